import type { PlanCreate, PlanFinalStatus, PlanInterval } from "../api/types";
import { parseAmount, toDecimalString } from "../lib/money";

/** What the plan form holds, as text; fields are named as the API's, so a `param` lands on one. */
export interface PlanForm {
  name: string;
  amount: string;
  currency: string;
  interval: PlanInterval;
  intervalCount: string;
  trialDays: string;
  retryDays: string;
  finalStatus: PlanFinalStatus;
}

export const PLAN_FIELDS = [
  "name",
  "amount",
  "currency",
  "interval",
  "intervalCount",
  "trialDays",
  "retryDays",
  "finalStatus",
] as const;

export function emptyPlanForm(currency: string): PlanForm {
  return {
    name: "",
    amount: "",
    currency,
    interval: "month",
    intervalCount: "1",
    trialDays: "0",
    retryDays: "1, 3, 5, 7",
    finalStatus: "canceled",
  };
}

export interface ResolvedPlan {
  body: PlanCreate | null;
  errors: Partial<Record<keyof PlanForm, string>>;
}

const WHOLE = /^\d{1,4}$/;

/** "1, 3, 5" -> [1, 3, 5]; null when a part is not a whole number of days from 1. */
export function parseRetryDays(text: string): number[] | null {
  const parts = text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (!parts.every((part) => WHOLE.test(part) && Number(part) >= 1)) return null;
  return parts.map(Number);
}

/** The form as the API's body (amount in minor units of the currency), or what is wrong. */
export function resolvePlan(form: PlanForm): ResolvedPlan {
  const errors: ResolvedPlan["errors"] = {};
  const name = form.name.trim();
  if (!name) errors.name = "Name the plan";

  const amount = form.amount.trim() ? parseAmount(form.amount, form.currency) : null;
  if (!form.amount.trim()) errors.amount = "Enter the amount charged each period";
  else if (amount === null)
    errors.amount = `Enter an amount like ${toDecimalString(49900, form.currency)}`;
  else if (amount <= 0) errors.amount = "The amount must be more than zero";

  const count = form.intervalCount.trim();
  if (!WHOLE.test(count) || Number(count) < 1) errors.intervalCount = "Enter a whole number from 1";
  const trial = form.trialDays.trim();
  if (!WHOLE.test(trial)) errors.trialDays = "Enter a whole number of days, 0 for no trial";
  const retryDays = parseRetryDays(form.retryDays);
  if (!retryDays) errors.retryDays = "Enter whole numbers of days from 1, separated by commas";

  if (amount === null || !retryDays || Object.keys(errors).length > 0)
    return { body: null, errors };
  const body: PlanCreate = {
    name,
    amount,
    currency: form.currency,
    interval: form.interval,
    intervalCount: Number(count),
    trialDays: Number(trial),
    finalStatus: form.finalStatus,
  };
  // An empty list leaves the API's default schedule.
  if (retryDays.length > 0) body.retryDays = retryDays;
  return { body, errors };
}
