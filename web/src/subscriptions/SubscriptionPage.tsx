import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { ApiError, errorMessage, subscriptions } from "../api/client";
import { qk } from "../api/keys";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { EmptyState } from "../ui/EmptyState";
import { CardSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useWorkspace } from "../workspace/hooks";
import { InvoicesCard } from "./InvoicesCard";
import { dunningLabel, nextLabel, priceLabel } from "./labels";
import { SubscriptionActions } from "./SubscriptionActions";
import { SubscriptionDetails } from "./SubscriptionDetails";
import { TestClockPanel } from "./TestClockPanel";
import { useApplySubscription } from "./useApplySubscription";

export function SubscriptionPage() {
  const { id = "" } = useParams();
  usePageTitle(`Subscription ${id}`);
  const zone = useTimeZone();
  const scope = useWorkspace();
  const poll = usePollWhenOffline(5000);
  const apply = useApplySubscription(id);
  const query = useQuery({
    queryKey: qk.subscription(scope, id),
    queryFn: () => subscriptions.get(id),
    refetchInterval: poll,
  });
  const sub = query.data;

  if (query.isPending) {
    return (
      <div className="page">
        <h1>Subscription</h1>
        <CardSkeleton />
        <CardSkeleton />
      </div>
    );
  }
  if (!sub) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        <h1>{missing ? "Subscription not found" : "Subscription"}</h1>
        <EmptyState
          illustration={missing ? "search" : "error"}
          title={
            missing
              ? `No subscription ${id} in ${scope.mode} mode`
              : "The subscription could not be loaded"
          }
          action={
            <Link className="btn" to="/subscriptions">
              Back to subscriptions
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
        <Link to="/subscriptions">Subscriptions</Link> / <span className="mono">{sub.id}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            {sub.customer.email} <StatusBadge status={sub.status} />
          </h1>
          <p className="muted">
            {sub.plan.name} · <span className="amount">{priceLabel(sub.plan)}</span> ·{" "}
            {nextLabel(sub, zone)}
          </p>
        </div>
        <SubscriptionActions sub={sub} zone={zone} onChanged={apply} />
      </div>

      {sub.dunning && (
        <p className="alert alert-warning">
          A renewal payment failed and is being retried. {dunningLabel(sub, zone)}.
        </p>
      )}
      {sub.testClock && (
        <TestClockPanel
          sub={sub}
          frozenTime={sub.testClock.frozenTime}
          zone={zone}
          onAdvanced={apply}
        />
      )}
      <SubscriptionDetails sub={sub} zone={zone} />
      <InvoicesCard subscriptionId={sub.id} zone={zone} />
    </div>
  );
}
