import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ApiError, errorMessage, merchants } from "../api/client";
import { qk } from "../api/keys";
import { useTimeZone } from "../auth/hooks";
import { formatDateTime } from "../lib/time";
import { EmptyState } from "../ui/EmptyState";
import { TextField } from "../ui/Field";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { useCurrentMerchant } from "../workspace/hooks";

export function AuditTab() {
  const merchant = useCurrentMerchant();
  const zone = useTimeZone();
  const [page, setPage] = useState(1);
  const [action, setAction] = useState("");
  const merchantId = merchant?.id ?? "";
  const query = useQuery({
    queryKey: qk.merchantAudit(merchantId, page, action),
    queryFn: () => merchants.auditLogs(merchantId, page, action || undefined),
    enabled: !!merchantId,
    placeholderData: keepPreviousData,
  });
  const forbidden = query.error instanceof ApiError && query.error.status === 403;
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <div className="filters">
        <TextField
          type="search"
          label="Action"
          placeholder="api_key.created"
          value={action}
          onChange={(event) => {
            setAction(event.target.value.trim());
            setPage(1);
          }}
        />
      </div>
      {query.isPending ? (
        <TableSkeleton />
      ) : forbidden ? (
        <EmptyState illustration="keys" title="Only owners can read the audit log" />
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : query.data.data.length === 0 ? (
        <EmptyState illustration="search" title="No audit events" />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Audit events</caption>
              <thead>
                <tr>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col" className="hide-narrow">
                    Target
                  </th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {query.data.data.map((event) => (
                  <tr key={event.id}>
                    <td>
                      <code>{event.action}</code>
                    </td>
                    <td className="small">
                      {event.actor.email ??
                        event.actor.userId ??
                        event.actor.keyId ??
                        event.actor.type}
                      {event.ip && <div className="muted">{event.ip}</div>}
                    </td>
                    <td className="hide-narrow small mono">
                      {Object.entries(event.target)
                        .map(([key, value]) => `${key}: ${String(value)}`)
                        .join(", ")}
                    </td>
                    <td className="nowrap small">{formatDateTime(event.at, zone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination {...query.data} onPage={setPage} label="Audit log pages" />
        </>
      )}
    </section>
  );
}
