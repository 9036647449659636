import type { Dispute } from "../api/types";
import { EvidenceForm } from "./EvidenceForm";
import { EvidenceView } from "./EvidenceView";

interface Props {
  dispute: Dispute;
  onChanged: (dispute: Dispute) => void;
}

/** The evidence: a form while the dispute awaits an answer, read-only once it was given. */
export function EvidenceCard({ dispute, onChanged }: Props) {
  const open = dispute.status === "needs_response";
  return (
    <section className="card" aria-labelledby="dispute-evidence">
      <h2 id="dispute-evidence">Evidence</h2>
      {open ? (
        <>
          <p className="muted">
            Save as you go; nothing reaches the bank until you submit. Fill in what applies to the
            reason of the dispute.
          </p>
          <EvidenceForm dispute={dispute} onChanged={onChanged} />
        </>
      ) : (
        <EvidenceView evidence={dispute.evidence} />
      )}
    </section>
  );
}
