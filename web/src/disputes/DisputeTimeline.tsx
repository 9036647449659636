import type { Dispute } from "../api/types";
import { formatDateTime } from "../lib/time";
import { statusLabel } from "./labels";

/** The dates the dispute went through, and the ones still ahead. */
export function DisputeTimeline({ dispute, zone }: { dispute: Dispute; zone: string }) {
  const steps: [label: string, at: string | null][] = [
    ["Opened", dispute.createdAt],
    ["Evidence due", dispute.dueBy],
    ["Evidence submitted", dispute.submittedAt],
    ["Review ends", dispute.reviewEndsAt],
    [`Closed: ${statusLabel(dispute.status).toLowerCase()}`, dispute.closedAt],
  ];
  return (
    <section className="card" aria-labelledby="dispute-timeline">
      <h2 id="dispute-timeline">Timeline</h2>
      <ol className="timeline">
        {steps
          .filter(([, at]) => at)
          .map(([label, at]) => (
            <li key={label}>
              <div>
                <strong>{label}</strong>
              </div>
              <div className="small">{formatDateTime(at, zone)}</div>
            </li>
          ))}
      </ol>
    </section>
  );
}
