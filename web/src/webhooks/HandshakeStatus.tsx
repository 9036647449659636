import type { Endpoint } from "../api/types";
import { formatDateTime } from "../lib/time";

const FAILURES: Record<string, string> = {
  connection_error: "Nothing accepted the connection",
  dns_error: "The host name does not resolve",
  timeout: "No answer in time",
  address_not_allowed: "The address may not receive webhooks",
  http_status: "It answered an error status",
  challenge_mismatch: "It answered without echoing the challenge",
};

/** Where the endpoint's verification stands, and why it is still pending. */
export function HandshakeStatus({ endpoint, zone }: { endpoint: Endpoint; zone: string }) {
  const handshake = endpoint.handshake;
  if (endpoint.verification !== "challenge" || !handshake) {
    return (
      <p className="muted">
        This endpoint gets events without a handshake. Turn verification on to have it echo a signed
        challenge first, so a wrong URL is caught when it is saved.
      </p>
    );
  }
  if (handshake.status === "verified") {
    return (
      <p className="alert alert-success" role="status">
        <strong>Verified</strong>: the endpoint echoed its challenge
        {handshake.verifiedAt ? ` on ${formatDateTime(handshake.verifiedAt, zone)}` : ""}.
      </p>
    );
  }
  const failure = handshake.failure;
  return (
    <div className="alert alert-warning" role="status">
      <p>
        <strong>Waiting for verification</strong>: nothing is sent to this endpoint until it answers
        the <code>endpoint.verification</code> event with a 2xx and the body{" "}
        <code>{'{"challenge": "<data.challenge>"}'}</code> (or the challenge as plain text).
      </p>
      {failure ? (
        <>
          <p>
            <strong>{FAILURES[failure.code] ?? failure.code}</strong> ({failure.code}
            {failure.responseStatus ? `, HTTP ${failure.responseStatus}` : ""}): {failure.message}
          </p>
          {failure.responseBody && (
            <>
              <p className="small">It answered:</p>
              <pre aria-label="What the endpoint answered">{failure.responseBody}</pre>
            </>
          )}
        </>
      ) : (
        <p>The challenge has not been answered yet.</p>
      )}
    </div>
  );
}
