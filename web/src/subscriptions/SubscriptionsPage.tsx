import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { subscriptions } from "../api/client";
import { qk } from "../api/keys";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusFilter, useStatusAndPage } from "../ui/StatusFilter";
import { useWorkspace } from "../workspace/hooks";
import { SUBSCRIPTION_STATUSES } from "./labels";
import { SectionTabs } from "./SectionTabs";
import { SubscriptionsTable } from "./SubscriptionsTable";

const PAGE_SIZE = 50;

export function SubscriptionsPage() {
  usePageTitle("Subscriptions");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const poll = usePollWhenOffline(5000);
  const { status, page, show } = useStatusAndPage(SUBSCRIPTION_STATUSES);

  const query = useQuery({
    queryKey: qk.subscriptions(scope, status, page),
    queryFn: () => subscriptions.list(status ? [status] : [], page, PAGE_SIZE),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const rows = query.data?.data;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Subscriptions</h1>
          <p className="muted">
            Customers billed on a plan's schedule, in {scope.mode} mode. Times in {zone}.
          </p>
        </div>
        <div className="row">
          <Link className="btn" to="/subscriptions/new">
            Create subscription
          </Link>
        </div>
      </div>
      <SectionTabs />

      <StatusFilter
        what="subscriptions"
        status={status}
        choices={SUBSCRIPTION_STATUSES}
        onStatus={(next) => show(next, 1)}
      />

      {query.isPending ? (
        <TableSkeleton columns={5} />
      ) : query.isError ? (
        <LoadFailed
          title="Subscriptions could not be loaded"
          error={query.error}
          retry={query.refetch}
        />
      ) : rows && rows.length > 0 ? (
        <>
          <SubscriptionsTable rows={rows} zone={zone} />
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={(next) => show(status, next)}
            label="Subscription pages"
          />
        </>
      ) : status ? (
        <EmptyState
          illustration="search"
          title="No subscriptions have this status"
          action={
            <button type="button" className="btn btn-secondary" onClick={() => show("", 1)}>
              Show all subscriptions
            </button>
          }
        />
      ) : (
        <EmptyState
          illustration="payments"
          title={`No ${scope.mode} subscriptions yet`}
          action={
            <Link className="btn" to="/subscriptions/new">
              Create subscription
            </Link>
          }
        >
          <p>
            Put a customer on a plan: their card is charged each period, and failed renewals are
            retried.
          </p>
        </EmptyState>
      )}
    </div>
  );
}
