import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import { subscriptions } from "../api/client";
import { qk } from "../api/keys";
import type { SubscriptionStatus } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { paramsFromForm } from "../transactions/filters";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { SelectField } from "../ui/Field";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { useWorkspace } from "../workspace/hooks";
import { SUBSCRIPTION_STATUSES } from "./labels";
import { SectionTabs } from "./SectionTabs";
import { SubscriptionsTable } from "./SubscriptionsTable";

const PAGE_SIZE = 50;

function statusOf(params: URLSearchParams): SubscriptionStatus | "" {
  const value = params.get("status");
  return SUBSCRIPTION_STATUSES.find((status) => status.value === value)?.value ?? "";
}

export function SubscriptionsPage() {
  usePageTitle("Subscriptions");
  const [params, setParams] = useSearchParams();
  const scope = useWorkspace();
  const zone = useTimeZone();
  const poll = usePollWhenOffline(5000);
  const status = statusOf(params);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const show = (nextStatus: string, nextPage: number) =>
    setParams(paramsFromForm({ status: nextStatus }, nextPage));

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

      <form
        className="filters"
        role="search"
        aria-label="Filter subscriptions"
        onSubmit={(event) => event.preventDefault()}
      >
        <SelectField
          label="Status"
          value={status}
          onChange={(event) => show(event.target.value, 1)}
        >
          <option value="">All statuses</option>
          {SUBSCRIPTION_STATUSES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
      </form>

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
