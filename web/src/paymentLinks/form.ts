import type { PaymentLinkCreate } from "../api/types";
import { parseAmount, toDecimalString } from "../lib/money";
import { zonedToUtcIso } from "../lib/time";

/**
 * What the create form holds, as text. Fields are named as the API's, so that an error naming its
 * `param` lands on the field; `expiresAt` is the day, `expiresTime` its time, in the user's zone.
 */
export interface LinkForm {
  description: string;
  currency: string;
  pricing: "fixed" | "customer";
  amount: string;
  minAmount: string;
  maxAmount: string;
  usage: "once" | "reusable";
  maxUses: string;
  expiresAt: string;
  expiresTime: string;
}

export const LINK_FIELDS = [
  "description",
  "currency",
  "amount",
  "minAmount",
  "maxAmount",
  "maxUses",
  "expiresAt",
] as const;

export function emptyLinkForm(currency: string): LinkForm {
  return {
    description: "",
    currency,
    pricing: "fixed",
    amount: "",
    minAmount: "",
    maxAmount: "",
    usage: "once",
    maxUses: "",
    expiresAt: "",
    expiresTime: "23:59",
  };
}

export interface ResolvedLink {
  body: PaymentLinkCreate | null;
  errors: Partial<Record<keyof LinkForm, string>>;
}

function positiveAmount(
  text: string,
  currency: string,
): { value: number } | { error: string } | null {
  if (!text.trim()) return null;
  const value = parseAmount(text, currency);
  if (value === null) return { error: `Enter an amount like ${toDecimalString(49900, currency)}` };
  if (value <= 0) return { error: "The amount must be more than zero" };
  return { value };
}

/** The form as the API's body, or the errors the API would answer (and more, said sooner). */
export function resolveLink(form: LinkForm, zone: string, now = Date.now()): ResolvedLink {
  const errors: ResolvedLink["errors"] = {};
  const body: PaymentLinkCreate = {
    currency: form.currency,
    description: form.description.trim(),
    reusable: form.usage === "reusable",
  };
  if (!body.description) errors.description = "Say what the customer pays for";
  else if (body.description.length > 500) errors.description = "Use at most 500 characters";
  if (!form.currency) errors.currency = "Choose a currency";

  if (form.pricing === "fixed") {
    const amount = positiveAmount(form.amount, form.currency);
    if (!amount) errors.amount = "Enter the amount to pay";
    else if ("error" in amount) errors.amount = amount.error;
    else body.amount = amount.value;
  } else {
    const min = positiveAmount(form.minAmount, form.currency);
    const max = positiveAmount(form.maxAmount, form.currency);
    if (min && "error" in min) errors.minAmount = min.error;
    else if (min) body.minAmount = min.value;
    if (max && "error" in max) errors.maxAmount = max.error;
    else if (max) body.maxAmount = max.value;
    if (body.minAmount !== undefined && body.maxAmount !== undefined) {
      if (body.minAmount > body.maxAmount) errors.maxAmount = "The maximum is below the minimum";
    }
  }

  if (form.usage === "reusable" && form.maxUses.trim()) {
    const text = form.maxUses.trim();
    if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
      errors.maxUses = "Enter a whole number of 1 or more, or leave it empty for no limit";
    else body.maxUses = Number(text);
  }

  if (form.expiresAt) {
    const at = zonedToUtcIso(form.expiresAt, zone, form.expiresTime || "23:59");
    if (!at) errors.expiresAt = "Enter a valid date and time";
    else if (new Date(at).getTime() <= now) errors.expiresAt = "Choose a time in the future";
    else body.expiresAt = at;
  }

  return { body: Object.keys(errors).length === 0 ? body : null, errors };
}
