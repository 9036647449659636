import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { errorMessage, subscriptions } from "../api/client";
import { qk } from "../api/keys";
import type { Invoice } from "../api/types";
import { Table } from "../analytics/Table";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatMoney } from "../lib/money";
import { formatDate, formatDateTime } from "../lib/time";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useWorkspace } from "../workspace/hooks";

const HEAD = [
  { label: "Invoice" },
  { label: "Period" },
  { label: "Amount", num: true },
  { label: "Status" },
  { label: "Attempts" },
  { label: "Paid" },
];

function Attempts({ invoice, zone }: { invoice: Invoice; zone: string }) {
  if (invoice.attempts.length === 0) return <span className="muted">None yet</span>;
  return (
    <ol className="attempts">
      {invoice.attempts.map((attempt) => (
        <li key={attempt.paymentId + attempt.at}>
          <StatusBadge status={attempt.status} />{" "}
          {attempt.failureCode && <code className="mono">{attempt.failureCode}</code>}{" "}
          <Link to={`/payments/${encodeURIComponent(attempt.paymentId)}`} className="small">
            {formatDateTime(attempt.at, zone)}
          </Link>
        </li>
      ))}
    </ol>
  );
}

/** The subscription's invoices, one a period, with each charge attempt and why it failed. */
export function InvoicesCard({ subscriptionId, zone }: { subscriptionId: string; zone: string }) {
  const scope = useWorkspace();
  const poll = usePollWhenOffline(5000);
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: qk.subscriptionInvoices(scope, subscriptionId, page),
    queryFn: () => subscriptions.invoices(subscriptionId, page),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  return (
    <section className="card" aria-labelledby="invoices-title">
      <h2 id="invoices-title">Invoices</h2>
      {query.isPending ? (
        <TableSkeleton rows={3} columns={6} />
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : query.data.data.length === 0 ? (
        <p className="muted">No invoices yet.</p>
      ) : (
        <>
          <Table caption="Invoices" head={HEAD}>
            {query.data.data.map((invoice) => (
              <tr key={invoice.id}>
                <td>
                  #{invoice.number}
                  <div className="muted small mono">{invoice.id}</div>
                </td>
                <td className="nowrap">
                  {formatDate(invoice.periodStart, zone)} – {formatDate(invoice.periodEnd, zone)}
                </td>
                <td className="num amount">{formatMoney(invoice.amount, invoice.currency)}</td>
                <td>
                  <StatusBadge status={invoice.status} />
                </td>
                <td>
                  <Attempts invoice={invoice} zone={zone} />
                </td>
                <td className="nowrap">
                  {invoice.paidAt ? formatDateTime(invoice.paidAt, zone) : "—"}
                </td>
              </tr>
            ))}
          </Table>
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={setPage}
            label="Invoice pages"
          />
        </>
      )}
    </section>
  );
}
