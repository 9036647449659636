import type { Dispute } from "../api/types";
import { formatDateTime } from "../lib/time";
import { deadlineLabel, urgencyOf } from "./deadline";

interface Props {
  dispute: Pick<Dispute, "status" | "dueBy">;
  zone: string;
}

/** The evidence deadline: how long is left (flagged when close or past), then the date. */
export function Deadline({ dispute, zone }: Props) {
  const date = formatDateTime(dispute.dueBy, zone);
  const urgency = urgencyOf(dispute);
  if (urgency === "closed") return <span className="muted">{date}</span>;
  return (
    <>
      {urgency === "overdue" ? (
        <span className="badge badge-danger">Overdue</span>
      ) : (
        <>
          <strong>{deadlineLabel(dispute)}</strong>
          {urgency === "due_soon" && (
            <>
              {" "}
              <span className="badge badge-warning">Due soon</span>
            </>
          )}
        </>
      )}
      <div className="muted small">{date}</div>
    </>
  );
}
