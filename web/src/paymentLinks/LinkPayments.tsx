import { useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { errorMessage, payments } from "../api/client";
import { qk } from "../api/keys";
import type { ListFilters } from "../api/types";
import { usePollWhenOffline } from "../live/LiveProvider";
import { PaymentsTable } from "../transactions/TransactionsPage";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { useWorkspace } from "../workspace/hooks";

/** The payments customers made through one link, each opening the payment's page. */
export function LinkPayments({ linkId, zone }: { linkId: string; zone: string }) {
  const scope = useWorkspace();
  const poll = usePollWhenOffline(5000);
  const [page, setPage] = useState(1);
  const filters = useMemo<ListFilters>(() => ({ paymentLinkId: linkId }), [linkId]);
  const query = useQuery({
    queryKey: qk.paymentsList(scope, filters, page),
    queryFn: () => payments.list(filters, page),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  return (
    <section className="card" aria-labelledby="link-payments">
      <h2 id="link-payments">Payments</h2>
      {query.isPending ? (
        <TableSkeleton rows={3} columns={6} />
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : query.data.data.length === 0 ? (
        <p className="muted">No payments through this link yet.</p>
      ) : (
        <>
          <PaymentsTable rows={query.data.data} zone={zone} />
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={setPage}
            label="Pages of the link's payments"
          />
        </>
      )}
    </section>
  );
}
