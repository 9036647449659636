import type { PaymentLink, PaymentLinkStatus } from "../api/types";
import { formatMoney } from "../lib/money";

export const LINK_STATUSES: { value: PaymentLinkStatus; label: string }[] = [
  { value: "active", label: "Active" },
  { value: "inactive", label: "Inactive" },
  { value: "expired", label: "Expired" },
  { value: "completed", label: "Completed" },
];

type Priced = Pick<PaymentLink, "amount" | "minAmount" | "maxAmount" | "currency">;

/** The fixed amount, or "Customer chooses" when the customer enters it. */
export function amountLabel(link: Priced): string {
  return link.amount === null ? "Customer chooses" : formatMoney(link.amount, link.currency);
}

/** The bounds of an amount the customer enters, or null when there are none (or it is fixed). */
export function boundsLabel(link: Priced): string | null {
  if (link.amount !== null) return null;
  const min = link.minAmount === null ? null : formatMoney(link.minAmount, link.currency);
  const max = link.maxAmount === null ? null : formatMoney(link.maxAmount, link.currency);
  if (min && max) return `Between ${min} and ${max}`;
  if (min) return `At least ${min}`;
  if (max) return `At most ${max}`;
  return null;
}

/** How many payments the link took, of how many it may take: "3 / 50", "0 / 1". */
export function usesLabel(link: Pick<PaymentLink, "reusable" | "maxUses" | "stats">): string {
  const limit = link.reusable ? (link.maxUses ?? "no limit") : 1;
  return `${link.stats.paid} / ${limit}`;
}

export function usageLabel(link: Pick<PaymentLink, "reusable" | "maxUses">): string {
  if (!link.reusable) return "One-time (paid once)";
  return link.maxUses === null ? "Reusable, no limit" : `Reusable, up to ${link.maxUses} payments`;
}

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

/** A 0..1 ratio as "25%". */
export function formatRatio(ratio: number): string {
  return percent.format(ratio);
}
