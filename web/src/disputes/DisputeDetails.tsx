import { Link } from "react-router";
import type { Dispute } from "../api/types";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { DetailsCard, type DetailRow } from "../ui/DetailsCard";
import { Deadline } from "./Deadline";
import { DisputeStatusBadge } from "./DisputeStatusBadge";
import { atStake, fundsLabel, paymentPath, reasonLabel } from "./labels";

/** Where the money stands: withheld or charged back counts the fee with the amount. */
export function fundsText(dispute: Dispute): string {
  const both = `${atStake(dispute)} (amount and fee)`;
  if (dispute.funds === "withheld") return `Withheld: ${both}`;
  if (dispute.funds === "charged_back") return `Charged back: ${both}`;
  if (dispute.funds === "reinstated") return "Reinstated to your balance";
  if (dispute.funds === "awaiting_funds")
    return `Awaiting funds: ${both} is withheld once your balance covers it`;
  return fundsLabel(dispute.funds);
}

export function DisputeDetails({ dispute, zone }: { dispute: Dispute; zone: string }) {
  const money = (minor: number) => (
    <span className="amount">{formatMoney(minor, dispute.currency)}</span>
  );
  const rows: DetailRow[] = [
    ["Dispute ID", <Id value={dispute.id} label="dispute ID" />],
    ["Status", <DisputeStatusBadge status={dispute.status} />],
    ["Reason", reasonLabel(dispute.reason)],
    [
      "Payment",
      <Link to={paymentPath(dispute.paymentId)} className="mono">
        {dispute.paymentId}
      </Link>,
    ],
    ["Disputed amount", money(dispute.amount)],
    ["Dispute fee", money(dispute.fee)],
    ["Funds", fundsText(dispute)],
    ["Evidence due", <Deadline dispute={dispute} zone={zone} />],
    ["Mode", dispute.mode],
    ["Updated", formatDateTime(dispute.updatedAt, zone)],
  ];
  return <DetailsCard id="dispute-details" rows={rows} />;
}
