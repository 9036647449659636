// One place to test an endpoint: its handshake, test events and pings, what each attempt sent
// and got back, and the signature check of what arrived.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { errorMessage, webhooks } from "../api/client";
import { qk } from "../api/keys";
import type { Attempt, Endpoint } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatDateTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { SelectField } from "../ui/Field";
import { StatusBadge } from "../ui/StatusBadge";
import { useToast } from "../ui/toast";
import { useWorkspace } from "../workspace/hooks";
import { AttemptDetailView } from "./AttemptDetail";
import { isRetryable, useRetryAttempt } from "./attempts";
import { EndpointStatusBadge } from "./EndpointStatusBadge";
import { EVENT_TYPES } from "./events";
import { HandshakeStatus } from "./HandshakeStatus";
import { SignatureForm } from "./SignatureForm";
import type { SignatureValues } from "./SignatureForm";

const RECENT = 10;

function useEndpointUpdate(endpointId: string) {
  const scope = useWorkspace();
  const client = useQueryClient();
  return (endpoint: Endpoint) => {
    // The answer is the endpoint as it now stands; only the list needs reading again.
    client.setQueryData(qk.endpoint(scope, endpointId), endpoint);
    void client.invalidateQueries({ queryKey: qk.endpoints(scope), exact: true });
    void client.invalidateQueries({ queryKey: ["webhook-attempts"] });
  };
}

function HandshakeSection({ endpoint, zone }: { endpoint: Endpoint; zone: string }) {
  const toast = useToast();
  const updated = useEndpointUpdate(endpoint.id);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<Endpoint>) => {
    setBusy(true);
    try {
      const after = await action();
      updated(after);
      if (after.handshake?.status === "verified")
        toast.success("Verified: the endpoint echoed its challenge");
      else
        toast.error(
          `Not verified: ${after.handshake?.failure?.message ?? "the challenge was not echoed"}`,
        );
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  const pending = endpoint.verification === "challenge" && endpoint.handshake?.status === "pending";
  return (
    <section className="card" aria-labelledby="handshake-title">
      <h3 id="handshake-title">Handshake</h3>
      <HandshakeStatus endpoint={endpoint} zone={zone} />
      {pending && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void run(() => webhooks.verifyEndpoint(endpoint.id))}
        >
          {busy ? "Sending the challenge…" : "Verify again"}
        </button>
      )}
      {endpoint.verification === "none" && (
        <>
          <p className="small muted">
            Until it echoes the challenge, the endpoint is sent nothing but pings.
          </p>
          <button
            type="button"
            className="btn btn-secondary"
            disabled={busy}
            onClick={() =>
              void run(() => webhooks.update(endpoint.id, { verification: "challenge" }))
            }
          >
            {busy ? "Sending the challenge…" : "Turn on verification"}
          </button>
        </>
      )}
    </section>
  );
}

function SendSection({ endpoint }: { endpoint: Endpoint }) {
  const client = useQueryClient();
  const [eventType, setEventType] = useState("payment.completed");
  const [busy, setBusy] = useState<"test" | "ping" | null>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const run = async (kind: "test" | "ping") => {
    setBusy(kind);
    setOutcome(null);
    try {
      if (kind === "test") {
        const message = await webhooks.test(endpoint.id, eventType);
        setOutcome({
          ok: true,
          text: `Queued a test ${eventType} event (${message.id}); its attempts show below.`,
        });
      } else {
        const result = await webhooks.ping(endpoint.id);
        const latency = `${Math.round(result.latencyMs)} ms`;
        const answer = result.status
          ? `HTTP ${result.status}`
          : (result.error?.code ?? "no answer");
        setOutcome(
          result.ok
            ? { ok: true, text: `Ping answered ${result.status} in ${latency}` }
            : { ok: false, text: `Ping failed: ${answer} after ${latency}` },
        );
      }
    } catch (error) {
      setOutcome({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(null);
      void client.invalidateQueries({ queryKey: ["webhook-attempts"] });
    }
  };
  return (
    <section className="card" aria-labelledby="send-title">
      <h3 id="send-title">Send a test event or a ping</h3>
      <p className="muted small">
        A test event (<code>data.test: true</code>) is queued, signed and retried like a real one. A
        ping is a signed <code>webhook.ping</code> sent now and never retried.
      </p>
      {!endpoint.enabled && (
        <p className="small">
          {endpoint.status === "pending_verification"
            ? "Test events wait until the endpoint is verified; a ping is sent anyway."
            : "The endpoint is disabled: enable it to send test events."}
        </p>
      )}
      <div className="filters">
        <SelectField
          label="Event type"
          value={eventType}
          onChange={(event) => setEventType(event.target.value)}
        >
          {EVENT_TYPES.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </SelectField>
        <button
          type="button"
          className="btn"
          disabled={busy !== null || !endpoint.enabled}
          onClick={() => void run("test")}
        >
          {busy === "test" ? "Sending…" : "Send test event"}
        </button>
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy !== null}
          onClick={() => void run("ping")}
        >
          {busy === "ping" ? "Pinging…" : "Ping"}
        </button>
      </div>
      {outcome && (
        <p className={`alert ${outcome.ok ? "alert-success" : "alert-error"}`} role="status">
          {outcome.text}
        </p>
      )}
    </section>
  );
}

function InspectorSection({
  endpoint,
  zone,
  onCheck,
}: {
  endpoint: Endpoint;
  zone: string;
  onCheck: (values: Partial<SignatureValues>) => void;
}) {
  const scope = useWorkspace();
  const client = useQueryClient();
  const toast = useToast();
  const poll = usePollWhenOffline(5000);
  const { retrying, retry } = useRetryAttempt();
  const [open, setOpen] = useState<string | null>(null);
  const filters = { endpointId: endpoint.id };
  const query = useQuery({
    queryKey: qk.attempts(scope, filters, 1),
    queryFn: () => webhooks.attempts(filters, 1, RECENT),
    refetchInterval: poll,
  });
  const check = async (attempt: Attempt) => {
    try {
      const detail = await client.fetchQuery({
        queryKey: qk.attempt(scope, attempt.id),
        queryFn: () => webhooks.attempt(attempt.id),
      });
      const request = (detail.request ?? {}) as {
        headers?: Record<string, string>;
        body?: string;
      };
      const headers = request.headers ?? {};
      onCheck({
        webhookId: headers["webhook-id"] ?? "",
        webhookTimestamp: headers["webhook-timestamp"] ?? "",
        webhookSignature: headers["webhook-signature"] ?? "",
        body: request.body ?? "",
      });
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };
  const rows = query.data?.data ?? [];
  return (
    <section className="card" aria-labelledby="inspector-title">
      <div className="spread">
        <h3 id="inspector-title">Recent attempts</h3>
        <Link to={`/webhooks/attempts?endpointId=${encodeURIComponent(endpoint.id)}`}>
          All attempts
        </Link>
      </div>
      {query.isPending ? (
        <p role="status">Loading the attempts…</p>
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : rows.length === 0 ? (
        <p className="muted">No attempts yet: send a test event or a ping.</p>
      ) : (
        <ul className="list-plain stack" aria-label="Recent attempts">
          {rows.map((attempt) => (
            <li
              key={attempt.id}
              aria-label={`Attempt ${attempt.id}`}
              data-attempt-id={attempt.id}
              data-status={attempt.status}
            >
              <div className="spread">
                <span>
                  <code>{attempt.eventType}</code> <span className="muted">{attempt.trigger}</span>{" "}
                  <StatusBadge
                    status={attempt.status}
                    label={attempt.status === "succeeded" ? "Delivered" : undefined}
                  />{" "}
                  {attempt.responseStatus
                    ? `HTTP ${attempt.responseStatus}`
                    : (attempt.error?.code ?? "")}
                </span>
                <span className="muted small nowrap">
                  {formatDateTime(attempt.startedAt, zone)}
                </span>
              </div>
              <div className="row">
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  aria-expanded={open === attempt.id}
                  onClick={() => setOpen(open === attempt.id ? null : attempt.id)}
                >
                  {open === attempt.id ? "Hide" : "Inspect"}
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  onClick={() => void check(attempt)}
                >
                  Check signature
                </button>
                {isRetryable(attempt) && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={retrying === attempt.id}
                    onClick={() => void retry(attempt)}
                  >
                    {retrying === attempt.id ? "Retrying…" : "Retry"}
                  </button>
                )}
              </div>
              {open === attempt.id && <AttemptDetailView id={attempt.id} zone={zone} />}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function EndpointTestPanel() {
  const { endpointId = "" } = useParams();
  const scope = useWorkspace();
  const zone = useTimeZone();
  const [prefill, setPrefill] = useState<{ n: number; values: Partial<SignatureValues> }>({
    n: 0,
    values: {},
  });
  const query = useQuery({
    queryKey: qk.endpoint(scope, endpointId),
    queryFn: () => webhooks.endpoint(endpointId),
  });
  if (query.isPending) return <p role="status">Loading the endpoint…</p>;
  if (query.isError)
    return (
      <div className="stack">
        <p className="alert alert-error">{errorMessage(query.error)}</p>
        <Link to="/webhooks">All endpoints</Link>
      </div>
    );
  const endpoint = query.data;
  return (
    <section aria-labelledby="test-title" className="stack">
      <Link to="/webhooks">← All endpoints</Link>
      <div className="spread">
        <h2 id="test-title">
          Test <span className="mono">{endpoint.url}</span>
        </h2>
        <span>
          <EndpointStatusBadge endpoint={endpoint} /> <Id value={endpoint.id} label="endpoint ID" />
        </span>
      </div>
      <HandshakeSection endpoint={endpoint} zone={zone} />
      <SendSection endpoint={endpoint} />
      <InspectorSection
        endpoint={endpoint}
        zone={zone}
        onCheck={(values) => setPrefill(({ n }) => ({ n: n + 1, values }))}
      />
      <section className="card" aria-labelledby="signature-title">
        <h3 id="signature-title">Check a signature</h3>
        <p className="muted small">
          Paste what your server received, or pick an attempt above, and the endpoint&apos;s signing
          secret. A delivery older than 5 minutes fails the timestamp check, as it would on your
          server: raise the tolerance to check its signature alone.
        </p>
        <SignatureForm key={prefill.n} initial={prefill.values} focusSecret={prefill.n > 0} />
      </section>
    </section>
  );
}
