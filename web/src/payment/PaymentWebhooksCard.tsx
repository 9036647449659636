import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { errorMessage, payments } from "../api/client";
import { qk } from "../api/keys";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatDateTime } from "../lib/time";
import { StatusBadge } from "../ui/StatusBadge";
import { useWorkspace } from "../workspace/hooks";

export function PaymentWebhooksCard({ paymentId, zone }: { paymentId: string; zone: string }) {
  const scope = useWorkspace();
  const poll = usePollWhenOffline(5000);
  const query = useQuery({
    queryKey: qk.paymentWebhooks(scope, paymentId),
    queryFn: () => payments.webhooks(paymentId),
    refetchInterval: poll,
  });
  return (
    <section className="card" aria-labelledby="payment-webhooks">
      <div className="spread">
        <h2 id="payment-webhooks">Webhooks</h2>
        <Link to={`/webhooks/attempts?paymentId=${encodeURIComponent(paymentId)}`}>
          All attempts
        </Link>
      </div>
      {query.isPending && <p role="status">Loading webhook deliveries…</p>}
      {query.isError && <p className="alert alert-error">{errorMessage(query.error)}</p>}
      {query.data && query.data.data.length === 0 && (
        <p className="muted">
          No webhook messages about this payment. Add an endpoint on the Webhooks page to get them.
        </p>
      )}
      {query.data && query.data.data.length > 0 && (
        <ul className="list-plain">
          {query.data.data.map((message) => (
            <li key={message.id}>
              <div className="spread">
                <span>
                  <code>{message.eventType}</code> <StatusBadge status={message.status} />
                </span>
                <span className="muted small">
                  {message.attemptCount} attempt{message.attemptCount === 1 ? "" : "s"}
                </span>
              </div>
              <ul className="list-plain small">
                {message.attempts.map((attempt) => (
                  <li key={attempt.id} className="spread">
                    <span>
                      <StatusBadge status={attempt.status} />{" "}
                      {attempt.responseStatus
                        ? `HTTP ${attempt.responseStatus}`
                        : (attempt.error?.code ?? "")}{" "}
                      <span className="muted">{attempt.trigger}</span>
                    </span>
                    <Link
                      to={`/webhooks/attempts?paymentId=${encodeURIComponent(paymentId)}&open=${attempt.id}`}
                    >
                      {formatDateTime(attempt.startedAt, zone)}
                    </Link>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
