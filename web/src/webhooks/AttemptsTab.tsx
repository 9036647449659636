import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { errorMessage, webhooks } from "../api/client";
import type { AttemptFilters } from "../api/client";
import { qk } from "../api/keys";
import type { AttemptStatus } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatDateTime } from "../lib/time";
import { useHighlights } from "../transactions/useHighlights";
import { EmptyState } from "../ui/EmptyState";
import { SelectField, TextField } from "../ui/Field";
import { Modal } from "../ui/Modal";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useWorkspace } from "../workspace/hooks";
import { AttemptDetailView } from "./AttemptDetail";
import { isRetryable, useRetryAttempt } from "./attempts";

const STATUS_CHOICES: { value: AttemptStatus; label: string }[] = [
  { value: "sending", label: "Pending (sending)" },
  { value: "succeeded", label: "Delivered" },
  { value: "failed", label: "Failed" },
];

export function AttemptsTab() {
  const scope = useWorkspace();
  const zone = useTimeZone();
  const [params, setParams] = useSearchParams();
  const poll = usePollWhenOffline(5000);
  const page = Math.max(1, Number(params.get("page")) || 1);
  const filters: AttemptFilters = {
    ...(params.get("status") ? { status: params.get("status") as AttemptStatus } : {}),
    ...(params.get("endpointId") ? { endpointId: params.get("endpointId") as string } : {}),
    ...(params.get("paymentId") ? { paymentId: params.get("paymentId") as string } : {}),
  };
  const open = params.get("open");
  const [paymentDraft, setPaymentDraft] = useState(filters.paymentId ?? "");
  const { retrying, retry } = useRetryAttempt();

  const endpoints = useQuery({
    queryKey: qk.endpoints(scope),
    queryFn: () => webhooks.endpoints(),
  });
  const query = useQuery({
    queryKey: qk.attempts(scope, filters, page),
    queryFn: () => webhooks.attempts(filters, page),
    placeholderData: keepPreviousData,
    refetchInterval: poll,
  });
  const rows = query.data?.data;
  const highlighted = useHighlights(
    rows,
    (row) => row.status,
    JSON.stringify([filters, page, scope]),
  );

  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== "open") next.delete("page");
    setParams(next);
  };
  const endpointUrl = (id: string) =>
    endpoints.data?.data.find((endpoint) => endpoint.id === id)?.url ?? id;

  return (
    <section aria-labelledby="attempts-title">
      <h2 id="attempts-title">Delivery attempts</h2>
      <form
        className="filters"
        aria-label="Filter attempts"
        onSubmit={(event) => {
          event.preventDefault();
          set("paymentId", paymentDraft.trim() || null);
        }}
      >
        <SelectField
          label="Attempt status"
          value={filters.status ?? ""}
          onChange={(event) => set("status", event.target.value || null)}
        >
          <option value="">All</option>
          {STATUS_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Endpoint"
          value={filters.endpointId ?? ""}
          onChange={(event) => set("endpointId", event.target.value || null)}
        >
          <option value="">All endpoints</option>
          {endpoints.data?.data.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.url}
            </option>
          ))}
        </SelectField>
        <TextField
          type="search"
          label="Payment ID"
          placeholder="pay_…"
          value={paymentDraft}
          onChange={(event) => setPaymentDraft(event.target.value)}
          onBlur={() => set("paymentId", paymentDraft.trim() || null)}
        />
        <button type="submit" className="btn btn-secondary">
          Apply
        </button>
      </form>
      {query.isPending ? (
        <TableSkeleton columns={5} />
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : !rows || rows.length === 0 ? (
        <EmptyState illustration="webhooks" title="No delivery attempts">
          <p>Attempts appear here as events are sent to your endpoints.</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Webhook delivery attempts</caption>
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Answer</th>
                  <th scope="col" className="hide-narrow">
                    Endpoint
                  </th>
                  <th scope="col">Time</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((attempt) => (
                  <tr
                    key={attempt.id}
                    className={highlighted.has(attempt.id) ? "flash" : undefined}
                    data-attempt-id={attempt.id}
                    data-status={attempt.status}
                  >
                    <td>
                      <code>{attempt.eventType}</code>
                      <div className="muted small">{attempt.trigger}</div>
                      {attempt.paymentId && <div className="small mono">{attempt.paymentId}</div>}
                    </td>
                    <td>
                      <StatusBadge
                        status={attempt.status}
                        label={attempt.status === "succeeded" ? "Delivered" : undefined}
                      />
                    </td>
                    <td>
                      {attempt.responseStatus
                        ? `HTTP ${attempt.responseStatus}`
                        : (attempt.error?.code ?? "—")}
                    </td>
                    <td className="hide-narrow mono small">{endpointUrl(attempt.endpointId)}</td>
                    <td className="nowrap">{formatDateTime(attempt.startedAt, zone)}</td>
                    <td className="nowrap">
                      <div className="row">
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => set("open", attempt.id)}
                          aria-label={`View attempt ${attempt.id}`}
                        >
                          View
                        </button>
                        {isRetryable(attempt) && (
                          <button
                            type="button"
                            className="btn btn-sm"
                            disabled={retrying === attempt.id}
                            onClick={() => void retry(attempt)}
                            aria-label={`Retry attempt ${attempt.id}`}
                          >
                            {retrying === attempt.id ? "Retrying…" : "Retry"}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={query.data.page}
            limit={query.data.limit}
            total={query.data.total}
            hasMore={query.data.hasMore}
            onPage={(next) => {
              const copy = new URLSearchParams(params);
              copy.set("page", String(next));
              setParams(copy);
            }}
            label="Attempt pages"
          />
        </>
      )}
      <Modal open={!!open} title="Delivery attempt" onClose={() => set("open", null)} wide>
        {open && <AttemptDetailView id={open} zone={zone} />}
      </Modal>
    </section>
  );
}
