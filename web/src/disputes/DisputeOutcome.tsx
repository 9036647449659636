import type { Dispute } from "../api/types";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { deadlineLabel, urgencyOf } from "./deadline";
import { atStake } from "./labels";

/** What the merchant must do next, or how the dispute ended. */
export function DisputeOutcome({ dispute, zone }: { dispute: Dispute; zone: string }) {
  const at = (iso: string | null) => formatDateTime(iso, zone);
  if (dispute.status === "won")
    return (
      <p className="alert alert-success">
        You won this dispute: the withheld funds were reinstated to your balance.
      </p>
    );
  if (dispute.status === "lost")
    return (
      <p className="alert alert-error">
        You lost this dispute: the {formatMoney(dispute.amount, dispute.currency)} disputed and the{" "}
        {formatMoney(dispute.fee, dispute.currency)} fee were charged back.
      </p>
    );
  if (dispute.status === "under_review")
    return (
      <p className="alert alert-info">
        Evidence submitted on {at(dispute.submittedAt)}; the customer's bank is reviewing it
        {dispute.reviewEndsAt ? `, with a decision due by ${at(dispute.reviewEndsAt)}` : ""}.
      </p>
    );
  if (urgencyOf(dispute) === "overdue")
    return (
      <p className="alert alert-error">The deadline for evidence passed on {at(dispute.dueBy)}.</p>
    );
  return (
    <p className="alert alert-warning">
      Submit your evidence by {at(dispute.dueBy)} ({deadlineLabel(dispute)}).
      {dispute.funds === "withheld" &&
        ` ${atStake(dispute)}, the amount and the fee, is withheld until the dispute is decided.`}
    </p>
  );
}
