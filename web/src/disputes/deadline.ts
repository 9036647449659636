import type { Dispute } from "../api/types";
import { relativeTime } from "../lib/time";

/** How long before its deadline an open dispute is flagged as due soon. */
export const DUE_SOON_MS = 48 * 60 * 60 * 1000;

export type Urgency = "overdue" | "due_soon" | "open" | "closed";

/** Where the dispute stands against its deadline; only an unanswered one has a deadline to meet. */
export function urgencyOf(dispute: Pick<Dispute, "status" | "dueBy">, now = Date.now()): Urgency {
  if (dispute.status !== "needs_response") return "closed";
  const left = new Date(dispute.dueBy).getTime() - now;
  if (left <= 0) return "overdue";
  return left <= DUE_SOON_MS ? "due_soon" : "open";
}

/** "in 3 days", "in 20 hours", "Overdue"; null once the dispute is answered. */
export function deadlineLabel(
  dispute: Pick<Dispute, "status" | "dueBy">,
  now = Date.now(),
): string | null {
  const urgency = urgencyOf(dispute, now);
  if (urgency === "closed") return null;
  if (urgency === "overdue") return "Overdue";
  return relativeTime(dispute.dueBy, now);
}
