import { Link, useNavigate } from "react-router";
import type { Subscription } from "../api/types";
import { Table } from "../analytics/Table";
import { formatDateTime } from "../lib/time";
import { StatusBadge } from "../ui/StatusBadge";
import { nextLabel, priceLabel, subscriptionPath } from "./labels";

const HEAD = [
  { label: "Customer" },
  { label: "Plan" },
  { label: "Status" },
  { label: "Period end / next attempt" },
  { label: "Created" },
];

export function SubscriptionsTable({ rows, zone }: { rows: Subscription[]; zone: string }) {
  const navigate = useNavigate();
  return (
    <Table caption="Subscriptions" head={HEAD}>
      {rows.map((sub) => (
        <tr
          key={sub.id}
          className="clickable"
          onClick={(event) => {
            if ((event.target as HTMLElement).closest("a,button")) return;
            navigate(subscriptionPath(sub.id));
          }}
        >
          <td>
            <Link to={subscriptionPath(sub.id)}>{sub.customer.email}</Link>
          </td>
          <td>
            {sub.plan.name}
            <div className="muted small amount">{priceLabel(sub.plan)}</div>
          </td>
          <td>
            <StatusBadge status={sub.status} />
            {sub.cancelAtPeriodEnd && sub.status !== "canceled" && (
              <div className="muted small">Cancels at period end</div>
            )}
          </td>
          <td className="nowrap">{nextLabel(sub, zone)}</td>
          <td className="nowrap">{formatDateTime(sub.createdAt, zone)}</td>
        </tr>
      ))}
    </Table>
  );
}
