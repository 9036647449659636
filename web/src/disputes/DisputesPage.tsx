import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { disputes } from "../api/client";
import { qk } from "../api/keys";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusFilter, useStatusAndPage } from "../ui/StatusFilter";
import { useWorkspace } from "../workspace/hooks";
import { DisputesTable } from "./DisputesTable";
import { DISPUTE_STATUSES } from "./labels";

const PAGE_SIZE = 50;

export function DisputesPage() {
  usePageTitle("Disputes");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const poll = usePollWhenOffline(5000);
  const { status, page, show } = useStatusAndPage(DISPUTE_STATUSES);

  const query = useQuery({
    queryKey: qk.disputes(scope, status, page),
    queryFn: () => disputes.list(status ? [status] : [], page, PAGE_SIZE),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const rows = query.data?.data;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Disputes</h1>
          <p className="muted">
            Payments your customers' banks contest, in {scope.mode} mode, the most urgent first.
            Answer each with evidence before its deadline. Times in {zone}.
          </p>
        </div>
      </div>

      <StatusFilter
        what="disputes"
        status={status}
        choices={DISPUTE_STATUSES}
        onStatus={(next) => show(next, 1)}
      />

      {query.isPending ? (
        <TableSkeleton columns={6} />
      ) : query.isError ? (
        <LoadFailed
          title="Disputes could not be loaded"
          error={query.error}
          retry={query.refetch}
        />
      ) : rows && rows.length > 0 ? (
        <>
          <DisputesTable rows={rows} zone={zone} />
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={(next) => show(status, next)}
            label="Dispute pages"
          />
        </>
      ) : status ? (
        <EmptyState
          illustration="search"
          title="No disputes have this status"
          action={
            <button type="button" className="btn btn-secondary" onClick={() => show("", 1)}>
              Show all disputes
            </button>
          }
        />
      ) : (
        <EmptyState illustration="payments" title={`No ${scope.mode} disputes`}>
          <p>
            When a customer's bank contests a payment, the dispute shows here with the date by which
            to answer it.
            {scope.mode === "test" &&
              " To try the flow, open a succeeded payment and simulate a dispute."}
          </p>
        </EmptyState>
      )}
    </div>
  );
}
