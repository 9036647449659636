import { useEffect, useMemo, useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { errorMessage, payments } from "../api/client";
import { qk } from "../api/keys";
import type { Payment } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { saveResponse } from "../lib/download";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { methodLabel } from "../payment/labels";
import { CopyButton } from "../ui/CopyButton";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { SelectField, TextField } from "../ui/Field";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useToast } from "../ui/toast";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";
import { EMPTY_FILTERS, formFromParams, paramsFromForm, resolveFilters, STATUSES } from "./filters";
import type { FilterForm } from "./filters";
import { useHighlights } from "./useHighlights";

const PAGE_SIZE = 50;

export function PaymentsTable({
  rows,
  highlighted,
  zone,
}: {
  rows: Payment[];
  highlighted?: Set<string>;
  zone: string;
}) {
  const navigate = useNavigate();
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Payments</caption>
        <thead>
          <tr>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col">Status</th>
            <th scope="col">Payment ID</th>
            <th scope="col" className="hide-narrow">
              Order ID
            </th>
            <th scope="col" className="hide-narrow">
              Method
            </th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((payment) => (
            <tr
              key={payment.id}
              className={`clickable ${highlighted?.has(payment.id) ? "flash" : ""}`}
              data-payment-id={payment.id}
              data-status={payment.status}
              onClick={(event) => {
                if ((event.target as HTMLElement).closest("a,button")) return;
                navigate(`/payments/${payment.id}`);
              }}
            >
              <td className="num amount">
                {formatMoney(payment.amount, payment.currency)}
                {payment.amountRefunded > 0 && (
                  <div className="muted small">
                    {formatMoney(payment.amountRefunded, payment.currency)} refunded
                  </div>
                )}
              </td>
              <td>
                <StatusBadge status={payment.status} />
              </td>
              <td className="nowrap">
                <Link to={`/payments/${payment.id}`} className="mono">
                  {payment.id}
                </Link>
                <CopyButton value={payment.id} label="payment ID" />
              </td>
              <td className="hide-narrow">{payment.orderId}</td>
              <td className="hide-narrow">{methodLabel(payment.method, payment.card)}</td>
              <td className="nowrap">{formatDateTime(payment.createdAt, zone)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function TransactionsPage() {
  usePageTitle("Transactions");
  const [params, setParams] = useSearchParams();
  const zone = useTimeZone();
  const scope = useWorkspace();
  const merchant = useCurrentMerchant();
  const toast = useToast();
  const currency = merchant?.defaultCurrency ?? "INR";
  const applied = useMemo(() => formFromParams(params), [params]);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const [draft, setDraft] = useState<FilterForm>(applied);
  // The URL changed (back button, a link): the form follows it.
  const [draftOf, setDraftOf] = useState(applied);
  if (draftOf !== applied) {
    setDraftOf(applied);
    setDraft(applied);
  }
  const [exporting, setExporting] = useState<string | null>(null);
  const poll = usePollWhenOffline(5000);

  const resolved = useMemo(
    () => resolveFilters(applied, zone, currency),
    [applied, zone, currency],
  );
  const draftErrors = resolveFilters(draft, zone, currency).errors;
  const filters = resolved.filters;

  const query = useQuery({
    queryKey: qk.paymentsList(scope, filters, page),
    queryFn: () => payments.list(filters, page, PAGE_SIZE),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const rows = query.data?.data;
  const highlighted = useHighlights(
    rows,
    (row) => `${row.status}|${row.amountRefunded}`,
    JSON.stringify([filters, page, scope]),
  );

  // Search as you type, after a pause; the other fields apply at once.
  useEffect(() => {
    if (draft.q === applied.q) return;
    const timer = setTimeout(() => setParams(paramsFromForm({ ...applied, q: draft.q }, 1)), 350);
    return () => clearTimeout(timer);
  }, [draft.q, applied, setParams]);

  const apply = (next: FilterForm) => {
    setDraft(next);
    const { errors } = resolveFilters(next, zone, currency);
    if (Object.keys(errors).length === 0) setParams(paramsFromForm(next, 1));
  };
  const change =
    (field: keyof FilterForm) =>
    (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
      const next = { ...draft, [field]: event.target.value };
      if (field === "q" || field === "min" || field === "max") setDraft(next);
      else apply(next);
    };
  const hasFilters = Object.values(applied).some(Boolean);

  const download = async (format: "csv" | "xlsx") => {
    setExporting(format);
    try {
      const response = await payments.export(filters, format);
      const name = await saveResponse(response, `payments.${format}`);
      toast.success(`Exported ${name}`);
    } catch (error) {
      toast.error(`Export failed: ${errorMessage(error)}`);
    } finally {
      setExporting(null);
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Transactions</h1>
          <p className="muted">
            Every payment in {scope.mode} mode, newest first. Times in {zone}.
          </p>
        </div>
        <div className="row">
          <button
            type="button"
            className="btn btn-secondary"
            disabled={!!exporting}
            onClick={() => void download("csv")}
          >
            {exporting === "csv" ? "Exporting…" : "Export CSV"}
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={!!exporting}
            onClick={() => void download("xlsx")}
          >
            {exporting === "xlsx" ? "Exporting…" : "Export Excel"}
          </button>
        </div>
      </div>

      <form
        className="filters"
        role="search"
        aria-label="Filter payments"
        onSubmit={(event) => {
          event.preventDefault();
          apply(draft);
        }}
      >
        <TextField
          className="search"
          type="search"
          label="Search"
          placeholder="Payment ID or order ID"
          value={draft.q}
          onChange={change("q")}
        />
        <SelectField label="Status" value={draft.status} onChange={change("status")}>
          <option value="">All statuses</option>
          {STATUSES.map((status) => (
            <option key={status.value} value={status.value}>
              {status.label}
            </option>
          ))}
        </SelectField>
        <TextField type="date" label="From" value={draft.from} onChange={change("from")} />
        <TextField
          type="date"
          label="To"
          value={draft.to}
          onChange={change("to")}
          error={draftErrors.to}
        />
        <TextField
          label={`Min amount (${currency})`}
          inputMode="decimal"
          value={draft.min}
          onChange={change("min")}
          onBlur={() => apply(draft)}
          error={draftErrors.min}
        />
        <TextField
          label={`Max amount (${currency})`}
          inputMode="decimal"
          value={draft.max}
          onChange={change("max")}
          onBlur={() => apply(draft)}
          error={draftErrors.max}
        />
        <div className="row">
          <button type="submit" className="btn btn-secondary">
            Apply
          </button>
          {hasFilters && (
            <button type="button" className="btn-link" onClick={() => apply(EMPTY_FILTERS)}>
              Clear filters
            </button>
          )}
        </div>
      </form>

      <div className="visually-hidden" aria-live="polite">
        {highlighted.size > 0
          ? `${highlighted.size} payment${highlighted.size > 1 ? "s" : ""} updated`
          : ""}
      </div>

      {query.isPending ? (
        <TableSkeleton columns={6} />
      ) : query.isError ? (
        <LoadFailed
          title="Payments could not be loaded"
          error={query.error}
          retry={query.refetch}
        />
      ) : rows && rows.length > 0 ? (
        <>
          <PaymentsTable rows={rows} highlighted={highlighted} zone={zone} />
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={(next) => setParams(paramsFromForm(applied, next))}
            label="Payment pages"
          />
        </>
      ) : hasFilters ? (
        <EmptyState
          illustration="search"
          title="No payments match these filters"
          action={
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => apply(EMPTY_FILTERS)}
            >
              Clear filters
            </button>
          }
        />
      ) : (
        <EmptyState illustration="payments" title={`No ${scope.mode} payments yet`}>
          <p>
            Create a payment from your server with a secret key and it appears here as it happens.
          </p>
          <pre>{`curl ${window.location.origin}/api/v1/payments \\
  -H "Authorization: Bearer sk_${scope.mode}_…" -H "Idempotency-Key: order-1" \\
  -H "Content-Type: application/json" \\
  -d '{"amount": 49900, "currency": "${currency}", "orderId": "order-1"}'`}</pre>
        </EmptyState>
      )}
    </div>
  );
}
