import { ApiError } from "../api/client";
import type { CardInput } from "../api/types";
import { checkCard } from "../checkout/card";
import { fromLocalInput } from "./clock";

/** What the create form holds, as text. */
export interface SubscriptionForm {
  planId: string;
  email: string;
  number: string;
  expiry: string;
  cvc: string;
  useTestClock: boolean;
  /** A `datetime-local` value in the user's zone; empty: the clock starts now. */
  clockStart: string;
}

export const SUBSCRIPTION_FIELDS = [
  "planId",
  "email",
  "number",
  "expiry",
  "cvc",
  "clockStart",
] as const;

/** The API's `param`s (of both requests) and the field each belongs on. */
const PARAM_FIELDS: Record<string, (typeof SUBSCRIPTION_FIELDS)[number]> = {
  planId: "planId",
  customer: "email",
  "customer.email": "email",
  card: "number",
  paymentMethodId: "number",
  "card.number": "number",
  "card.expMonth": "expiry",
  "card.expYear": "expiry",
  "card.cvc": "cvc",
  testClock: "clockStart",
  "testClock.frozenTime": "clockStart",
};

/** The error with its `param` renamed to the form's field, so that it shows on that field. */
export function onFormField(error: unknown): unknown {
  if (!(error instanceof ApiError) || !error.param) return error;
  const field = PARAM_FIELDS[error.param] ?? PARAM_FIELDS[error.param.split(".")[0] ?? ""];
  if (!field) return error;
  return new ApiError(
    error.status,
    {
      type: error.type,
      code: error.code,
      message: error.message,
      param: field,
      requestId: error.requestId,
    },
    error.retryAfter,
  );
}

export type FormErrors = Partial<Record<keyof SubscriptionForm, string>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface ResolvedSubscription {
  card: CardInput | null;
  email: string;
  /** undefined: no test clock; null: starting now. */
  clockStart: string | null | undefined;
  errors: FormErrors;
}

/** The card, email and clock start as the API takes them, or what is wrong. */
export function resolveSubscription(
  form: SubscriptionForm,
  zone: string,
  testMode: boolean,
): ResolvedSubscription {
  const errors: FormErrors = {};
  if (!form.planId) errors.planId = "Choose a plan";
  const email = form.email.trim();
  if (!EMAIL.test(email)) errors.email = "Enter the customer's email address";
  const checked = checkCard(form);
  Object.assign(errors, checked.problems);

  let clockStart: string | null | undefined;
  if (testMode && form.useTestClock) {
    clockStart = form.clockStart ? fromLocalInput(form.clockStart, zone) : null;
    if (form.clockStart && !clockStart) errors.clockStart = "Enter a date and time";
  }

  const card = Object.keys(errors).length === 0 ? checked.card : null;
  return { card, email, clockStart, errors };
}
