import type { DisputeStatus } from "../api/types";
import { StatusBadge } from "../ui/StatusBadge";
import { statusLabel } from "./labels";

// The badge tones are keyed by the shared status names; each dispute status borrows the one that
// reads the same: an answer owed, a wait, a good or a bad end.
const TONE_OF: Record<DisputeStatus, string> = {
  needs_response: "pending",
  under_review: "open",
  won: "succeeded",
  lost: "failed",
};

export function DisputeStatusBadge({ status }: { status: DisputeStatus }) {
  return <StatusBadge status={TONE_OF[status] ?? status} label={statusLabel(status)} />;
}
