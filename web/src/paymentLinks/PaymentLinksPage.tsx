import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { paymentLinks } from "../api/client";
import { qk } from "../api/keys";
import type { PaymentLink } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { StatusFilter, useStatusAndPage } from "../ui/StatusFilter";
import { useWorkspace } from "../workspace/hooks";
import { amountLabel, boundsLabel, formatRatio, LINK_STATUSES, usesLabel } from "./labels";

const PAGE_SIZE = 50;

const linkPath = (link: PaymentLink) => `/payment-links/${encodeURIComponent(link.id)}`;

function PaymentLinksTable({ rows, zone }: { rows: PaymentLink[]; zone: string }) {
  const navigate = useNavigate();
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Payment links</caption>
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Paid / max uses
            </th>
            <th scope="col" className="num hide-narrow">
              Views
            </th>
            <th scope="col" className="num hide-narrow">
              Conversion
            </th>
            <th scope="col" className="num">
              Revenue
            </th>
            <th scope="col" className="hide-narrow">
              Created
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((link) => (
            <tr
              key={link.id}
              className="clickable"
              data-link-id={link.id}
              onClick={(event) => {
                if ((event.target as HTMLElement).closest("a,button")) return;
                navigate(linkPath(link));
              }}
            >
              <td>
                <Link to={linkPath(link)}>{link.description}</Link>
              </td>
              <td className="num amount">
                {amountLabel(link)}
                {boundsLabel(link) && <div className="muted small">{boundsLabel(link)}</div>}
              </td>
              <td>
                <StatusBadge status={link.status} />
              </td>
              <td className="num">{usesLabel(link)}</td>
              <td className="num hide-narrow">{link.stats.views}</td>
              <td className="num hide-narrow">{formatRatio(link.stats.conversion)}</td>
              <td className="num amount">{formatMoney(link.stats.revenue, link.currency)}</td>
              <td className="nowrap hide-narrow">{formatDateTime(link.createdAt, zone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PaymentLinksPage() {
  usePageTitle("Payment links");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const poll = usePollWhenOffline(5000);
  const { status, page, show } = useStatusAndPage(LINK_STATUSES);

  const query = useQuery({
    queryKey: qk.paymentLinks(scope, status, page),
    queryFn: () => paymentLinks.list(status ? [status] : [], page, PAGE_SIZE),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const rows = query.data?.data;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Payment links</h1>
          <p className="muted">
            Pages your customers pay on, shared as a link, in {scope.mode} mode. Times in {zone}.
          </p>
        </div>
        <div className="row">
          <Link className="btn" to="/payment-links/new">
            Create payment link
          </Link>
        </div>
      </div>

      <StatusFilter
        what="payment links"
        status={status}
        choices={LINK_STATUSES}
        onStatus={(next) => show(next, 1)}
      />

      {query.isPending ? (
        <TableSkeleton columns={8} />
      ) : query.isError ? (
        <LoadFailed
          title="Payment links could not be loaded"
          error={query.error}
          retry={query.refetch}
        />
      ) : rows && rows.length > 0 ? (
        <>
          <PaymentLinksTable rows={rows} zone={zone} />
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={(next) => show(status, next)}
            label="Payment link pages"
          />
        </>
      ) : status ? (
        <EmptyState
          illustration="search"
          title="No payment links have this status"
          action={
            <button type="button" className="btn btn-secondary" onClick={() => show("", 1)}>
              Show all payment links
            </button>
          }
        />
      ) : (
        <EmptyState
          illustration="payments"
          title={`No ${scope.mode} payment links yet`}
          action={
            <Link className="btn" to="/payment-links/new">
              Create payment link
            </Link>
          }
        >
          <p>Create a link, send it to a customer by email or chat, and they pay on its page.</p>
        </EmptyState>
      )}
    </div>
  );
}
