import type { DisputeEvidence } from "../api/types";
import { EVIDENCE_INPUTS } from "./evidenceForm";

/** The evidence as submitted: it can no longer change. */
export function EvidenceView({ evidence }: { evidence: DisputeEvidence }) {
  return (
    <dl className="details">
      {EVIDENCE_INPUTS.map(({ name, label }) => (
        <div key={name} className="contents">
          <dt>{label}</dt>
          <dd>{evidence[name] || "—"}</dd>
        </div>
      ))}
    </dl>
  );
}
