import type { Subscription } from "../api/types";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { DetailsCard, type DetailRow } from "../ui/DetailsCard";
import { StatusBadge } from "../ui/StatusBadge";
import { dunningLabel, priceLabel } from "./labels";

export function SubscriptionDetails({ sub, zone }: { sub: Subscription; zone: string }) {
  const at = (iso: string | null) => (iso ? formatDateTime(iso, zone) : "—");
  const rows: DetailRow[] = [
    ["Subscription ID", <Id value={sub.id} label="subscription ID" />],
    ["Status", <StatusBadge status={sub.status} />],
    ["Mode", sub.mode],
    [
      "Plan",
      <>
        {sub.plan.name} · <span className="amount">{priceLabel(sub.plan)}</span>
      </>,
    ],
    ["Customer", sub.customer.email],
    ["Card", <Id value={sub.paymentMethodId} label="payment method ID" />],
    ["Current period", `${at(sub.currentPeriodStart)} – ${at(sub.currentPeriodEnd)}`],
    ["Trial end", sub.trialEnd ? at(sub.trialEnd) : "No trial"],
    ["Cancel at period end", sub.cancelAtPeriodEnd ? "Yes" : "No"],
    ["Dunning", dunningLabel(sub, zone)],
    ["Credit balance", formatMoney(sub.creditBalance, sub.plan.currency)],
  ];
  if (sub.canceledAt) rows.push(["Canceled", at(sub.canceledAt)]);
  if (sub.pausedAt) rows.push(["Paused", at(sub.pausedAt)]);
  rows.push(["Created", at(sub.createdAt)], ["Updated", at(sub.updatedAt)]);
  return <DetailsCard id="subscription-details" rows={rows} />;
}
