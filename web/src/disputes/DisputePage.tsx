import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { ApiError, disputes, errorMessage } from "../api/client";
import { qk } from "../api/keys";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatMoney } from "../lib/money";
import { EmptyState } from "../ui/EmptyState";
import { CardSkeleton } from "../ui/Skeleton";
import { useWorkspace } from "../workspace/hooks";
import { DisputeDetails } from "./DisputeDetails";
import { DisputeOutcome } from "./DisputeOutcome";
import { DisputeStatusBadge } from "./DisputeStatusBadge";
import { DisputeTimeline } from "./DisputeTimeline";
import { EvidenceCard } from "./EvidenceCard";
import { EvidenceFiles } from "./EvidenceFiles";
import { paymentPath, reasonLabel } from "./labels";
import { useApplyDispute } from "./useApplyDispute";

export function DisputePage() {
  const { id = "" } = useParams();
  usePageTitle(`Dispute ${id}`);
  const zone = useTimeZone();
  const scope = useWorkspace();
  const poll = usePollWhenOffline(5000);
  const apply = useApplyDispute(id);
  const query = useQuery({
    queryKey: qk.dispute(scope, id),
    queryFn: () => disputes.get(id),
    refetchInterval: poll,
  });
  const dispute = query.data;

  if (query.isPending) {
    return (
      <div className="page">
        <h1>Dispute</h1>
        <CardSkeleton />
        <CardSkeleton />
      </div>
    );
  }
  if (!dispute) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        <h1>{missing ? "Dispute not found" : "Dispute"}</h1>
        <EmptyState
          illustration={missing ? "search" : "error"}
          title={
            missing ? `No dispute ${id} in ${scope.mode} mode` : "The dispute could not be loaded"
          }
          action={
            <Link className="btn" to="/disputes">
              Back to disputes
            </Link>
          }
        >
          {!missing && <p>{errorMessage(query.error)}</p>}
        </EmptyState>
      </div>
    );
  }

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="small">
        <Link to="/disputes">Disputes</Link> / <span className="mono">{dispute.id}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            <span className="amount">{formatMoney(dispute.amount, dispute.currency)}</span>{" "}
            <DisputeStatusBadge status={dispute.status} />
          </h1>
          <p className="muted">
            {reasonLabel(dispute.reason)} · payment{" "}
            <Link to={paymentPath(dispute.paymentId)} className="mono">
              {dispute.paymentId}
            </Link>
          </p>
        </div>
      </div>
      <DisputeOutcome dispute={dispute} zone={zone} />
      <div className="two-col">
        <div>
          <EvidenceCard dispute={dispute} onChanged={apply} />
          <EvidenceFiles dispute={dispute} zone={zone} />
        </div>
        <div>
          <DisputeDetails dispute={dispute} zone={zone} />
          <DisputeTimeline dispute={dispute} zone={zone} />
        </div>
      </div>
    </div>
  );
}
