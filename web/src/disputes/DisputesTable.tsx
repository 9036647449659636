import { Link, useNavigate } from "react-router";
import type { Dispute } from "../api/types";
import { Table } from "../analytics/Table";
import { formatMoney } from "../lib/money";
import { Deadline } from "./Deadline";
import { DisputeStatusBadge } from "./DisputeStatusBadge";
import { disputePath, fundsLabel, paymentPath, reasonLabel } from "./labels";

const HEAD = [
  { label: "Amount", num: true },
  { label: "Reason" },
  { label: "Status" },
  { label: "Payment" },
  { label: "Deadline" },
  { label: "Funds" },
];

export function DisputesTable({ rows, zone }: { rows: Dispute[]; zone: string }) {
  const navigate = useNavigate();
  return (
    <Table caption="Disputes" head={HEAD}>
      {rows.map((dispute) => (
        <tr
          key={dispute.id}
          className="clickable"
          onClick={(event) => {
            if ((event.target as HTMLElement).closest("a,button")) return;
            navigate(disputePath(dispute.id));
          }}
        >
          <td className="num amount">
            <Link to={disputePath(dispute.id)}>
              {formatMoney(dispute.amount, dispute.currency)}
            </Link>
          </td>
          <td>{reasonLabel(dispute.reason)}</td>
          <td>
            <DisputeStatusBadge status={dispute.status} />
          </td>
          <td className="nowrap">
            <Link to={paymentPath(dispute.paymentId)} className="mono">
              {dispute.paymentId}
            </Link>
          </td>
          <td className="nowrap">
            <Deadline dispute={dispute} zone={zone} />
          </td>
          <td>{fundsLabel(dispute.funds)}</td>
        </tr>
      ))}
    </Table>
  );
}
