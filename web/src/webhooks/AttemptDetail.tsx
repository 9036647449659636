import { useQuery } from "@tanstack/react-query";
import { errorMessage, webhooks } from "../api/client";
import { qk } from "../api/keys";
import { formatDateTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { StatusBadge } from "../ui/StatusBadge";
import { useWorkspace } from "../workspace/hooks";

function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** One attempt as sent and answered: the signed request (headers, body) and the response. */
export function AttemptDetailView({ id, zone }: { id: string; zone: string }) {
  const scope = useWorkspace();
  const query = useQuery({ queryKey: qk.attempt(scope, id), queryFn: () => webhooks.attempt(id) });
  if (query.isPending) return <p role="status">Loading the attempt…</p>;
  if (query.isError) return <p className="alert alert-error">{errorMessage(query.error)}</p>;
  const attempt = query.data;
  const request = attempt.request ?? {};
  const response = attempt.response ?? {};
  const { body: requestBody, ...requestRest } = request as { body?: unknown };
  const { body: responseBody, ...responseRest } = response as { body?: unknown };
  return (
    <div className="stack">
      <dl className="details">
        <dt>Attempt</dt>
        <dd>
          <Id value={attempt.id} label="attempt ID" />
        </dd>
        {attempt.messageId && (
          <>
            <dt>Message (webhook-id)</dt>
            <dd>
              <Id value={attempt.messageId} label="message ID" />
            </dd>
          </>
        )}
        <dt>Status</dt>
        <dd>
          <StatusBadge status={attempt.status} />{" "}
          {attempt.responseStatus ? `HTTP ${attempt.responseStatus}` : ""}{" "}
          {attempt.error
            ? `${attempt.error.code}${attempt.error.message ? `: ${attempt.error.message}` : ""}`
            : ""}
        </dd>
        <dt>URL</dt>
        <dd className="mono">{attempt.url}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(attempt.startedAt, zone)}</dd>
        {attempt.latencyMs != null && (
          <>
            <dt>Latency</dt>
            <dd>{Math.round(attempt.latencyMs)} ms</dd>
          </>
        )}
      </dl>
      <h3>Request</h3>
      <pre aria-label="Request headers">{pretty(requestRest)}</pre>
      {requestBody !== undefined && <pre aria-label="Request body">{pretty(requestBody)}</pre>}
      <h3>Response</h3>
      {attempt.response ? (
        <>
          <pre aria-label="Response headers">{pretty(responseRest)}</pre>
          {responseBody !== undefined && (
            <pre aria-label="Response body">{pretty(responseBody)}</pre>
          )}
        </>
      ) : (
        <p className="muted">No response was received.</p>
      )}
    </div>
  );
}
