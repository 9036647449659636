import type { PlanFinalStatus, PlanInterval, Subscription, SubscriptionStatus } from "../api/types";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";

export const SUBSCRIPTION_STATUSES: { value: SubscriptionStatus; label: string }[] = [
  { value: "trialing", label: "Trialing" },
  { value: "active", label: "Active" },
  { value: "past_due", label: "Past due" },
  { value: "paused", label: "Paused" },
  { value: "canceled", label: "Canceled" },
  { value: "unpaid", label: "Unpaid" },
  { value: "incomplete", label: "Incomplete" },
];

export const INTERVALS: { value: PlanInterval; label: string }[] = [
  { value: "day", label: "Day" },
  { value: "week", label: "Week" },
  { value: "month", label: "Month" },
  { value: "year", label: "Year" },
];

export const FINAL_STATUSES: { value: PlanFinalStatus; label: string }[] = [
  { value: "canceled", label: "Canceled: the subscription ends" },
  { value: "unpaid", label: "Unpaid: the subscription stays, marked unpaid" },
];

type Priced = { amount: number; currency: string; interval: PlanInterval; intervalCount: number };

/** "month", "every 3 months". */
export function intervalLabel({
  interval,
  intervalCount,
}: Pick<Priced, "interval" | "intervalCount">) {
  return intervalCount === 1 ? interval : `every ${intervalCount} ${interval}s`;
}

/** "₹499.00 / month", "₹1,299.00 every 3 months". */
export function priceLabel(plan: Priced): string {
  const amount = formatMoney(plan.amount, plan.currency);
  return plan.intervalCount === 1
    ? `${amount} / ${plan.interval}`
    : `${amount} ${intervalLabel(plan)}`;
}

/** What comes next for the subscription: a renewal, a retry, its end, or nothing. */
export function nextLabel(sub: Subscription, zone: string): string {
  if (sub.status === "canceled" || sub.status === "unpaid" || sub.status === "incomplete")
    return "—";
  if (sub.dunning?.nextAttemptAt)
    return `Next attempt ${formatDateTime(sub.dunning.nextAttemptAt, zone)}`;
  if (sub.status === "paused") return "Paused";
  const end = formatDateTime(sub.currentPeriodEnd, zone);
  if (sub.cancelAtPeriodEnd) return `Ends ${end}`;
  if (sub.status === "trialing")
    return `Trial ends ${formatDateTime(sub.trialEnd ?? sub.currentPeriodEnd, zone)}`;
  return `Renews ${end}`;
}

/** The dunning state in words: which retry, and when the next one runs. */
export function dunningLabel(sub: Subscription, zone: string): string {
  if (!sub.dunning) return "None";
  const attempt = `Attempt ${sub.dunning.attempt}`;
  return sub.dunning.nextAttemptAt
    ? `${attempt}, next attempt ${formatDateTime(sub.dunning.nextAttemptAt, zone)}`
    : `${attempt}, no attempts left`;
}

export const subscriptionPath = (id: string) => `/subscriptions/${encodeURIComponent(id)}`;
