import type {
  Dispute,
  DisputeFilePurpose,
  DisputeFunds,
  DisputeReason,
  DisputeStatus,
} from "../api/types";
import { formatMoney } from "../lib/money";

type Choice<T extends string> = { value: T; label: string };

export const DISPUTE_STATUSES: Choice<DisputeStatus>[] = [
  { value: "needs_response", label: "Needs response" },
  { value: "under_review", label: "Under review" },
  { value: "won", label: "Won" },
  { value: "lost", label: "Lost" },
];

export function statusLabel(status: string): string {
  return DISPUTE_STATUSES.find((choice) => choice.value === status)?.label ?? status;
}

export const REASONS: Choice<DisputeReason>[] = [
  { value: "fraudulent", label: "Fraudulent" },
  { value: "product_not_received", label: "Product not received" },
  { value: "product_unacceptable", label: "Product unacceptable" },
  { value: "duplicate", label: "Duplicate" },
  { value: "subscription_canceled", label: "Subscription canceled" },
  { value: "unrecognized", label: "Unrecognized" },
  { value: "general", label: "General" },
];

export function reasonLabel(reason: string): string {
  return REASONS.find((choice) => choice.value === reason)?.label ?? reason.replace(/_/g, " ");
}

const FUNDS: Record<DisputeFunds, string> = {
  awaiting_funds: "Awaiting funds",
  withheld: "Withheld",
  charged_back: "Charged back",
  reinstated: "Reinstated",
};

export function fundsLabel(funds: string): string {
  return FUNDS[funds as DisputeFunds] ?? funds.replace(/_/g, " ");
}

/** What is held back from the balance while the dispute runs: the amount and the fee. */
export function atStake(dispute: Pick<Dispute, "amount" | "fee" | "currency">): string {
  return formatMoney(dispute.amount + dispute.fee, dispute.currency);
}

export const PURPOSES: Choice<DisputeFilePurpose>[] = [
  { value: "receipt", label: "Receipt" },
  { value: "customer_communication", label: "Customer communication" },
  { value: "shipping_documentation", label: "Shipping documentation" },
  { value: "refund_policy", label: "Refund policy" },
  { value: "other", label: "Other" },
];

export function purposeLabel(purpose: string): string {
  return PURPOSES.find((choice) => choice.value === purpose)?.label ?? purpose.replace(/_/g, " ");
}

export const disputePath = (id: string) => `/disputes/${encodeURIComponent(id)}`;
export const paymentPath = (id: string) => `/payments/${encodeURIComponent(id)}`;
