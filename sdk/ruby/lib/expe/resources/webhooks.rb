# frozen_string_literal: true

module Expe
  module Resources
    # Where the merchant's webhooks go: URL, event filter, signing secret.
    class WebhookEndpoints < Base
      # url, enabled_events (default `["*"]`), description, project_id, verification (`none`, the
      # default, or `challenge`), secret (`whsec_` + base64 of 24 to 64 random bytes; made when
      # left out). The answer holds the endpoint's signing `secret`, which is never shown again.
      # With `verification: "challenge"` it is sent a signed challenge at once and gets nothing
      # until it echoes it: the answer's `status` and `handshake` say whether it did. A receiver
      # that checks signatures passes that challenge when the endpoint is created with a `secret`
      # of your own (`Expe::Webhook.generate_secret`) that it already has.
      def create(params, opts = {})
        object("POST", path("webhooks/endpoints"), params, opts)
      end

      def retrieve(id, opts = {})
        object("GET", path("webhooks/endpoints/%s", id), {}, opts)
      end

      # Oldest first; project_id, page, limit.
      def list(params = {}, opts = {})
        page(path("webhooks/endpoints"), params, opts)
      end

      # url, enabled_events, description, enabled, verification. `verification: "challenge"`
      # turns the handshake on and challenges the endpoint at once, as a new URL of an endpoint
      # with the handshake is.
      def update(id, params, opts = {})
        object("PATCH", path("webhooks/endpoints/%s", id), params, opts)
      end

      # Deletes it (its waiting messages are canceled); answers `{id:, deleted: true}`.
      def delete(id, opts = {})
        response = raw("DELETE", path("webhooks/endpoints/%s", id), {}, opts)
        ExpeObject.from({ id: id, deleted: true }, response)
      end

      # A new secret; the previous one keeps signing beside it until `previous_secret_expires_at`;
      # grace_seconds.
      def rotate_secret(id, params = {}, opts = {})
        object("POST", path("webhooks/endpoints/%s/rotate-secret", id), params, opts)
      end

      # Queues a sample event (`data.test` true), delivered like a real one; event_type
      # (default `payment.completed`).
      def send_test(id, params = {}, opts = {})
        object("POST", path("webhooks/endpoints/%s/test", id), params, opts)
      end

      # Sends a signed `webhook.ping` now: ok, status, latency_ms, attempt_id.
      def ping(id, opts = {})
        object("POST", path("webhooks/endpoints/%s/ping", id), {}, opts)
      end

      # Sends an endpoint with the handshake a new signed challenge now and answers the endpoint,
      # enabled if it echoed (`Expe::Webhook.verify` is the signature check, not this). A
      # ConflictError `verification_off` without the handshake, `endpoint_already_verified` once
      # verified.
      def challenge(id, opts = {})
        object("POST", path("webhooks/endpoints/%s/verify", id), {}, opts)
      end

      # Sends again every event of the window the endpoint subscribes to: `queued`; since, until.
      def replay(id, params, opts = {})
        object("POST", path("webhooks/endpoints/%s/replay", id), params, opts)
      end
    end

    # Messages: one event for one endpoint (`pending`, `delivered`, `failed`, `canceled`).
    class WebhookMessages < Base
      # Newest first; endpoint_id, payment_id, status, page, limit.
      def list(params = {}, opts = {})
        page(path("webhooks/messages"), params, opts)
      end
    end

    # The attempts log: every delivery of a message, with what was sent and answered.
    class WebhookAttempts < Base
      # Newest first; endpoint_id, message_id, payment_id, status, page, limit.
      def list(params = {}, opts = {})
        page(path("webhooks/attempts"), params, opts)
      end

      # One attempt with the signed request and the response (bodies cut at 4 KiB).
      def retrieve(id, opts = {})
        object("GET", path("webhooks/attempts/%s", id), {}, opts)
      end

      # Sends the attempt's message again now, with the same `webhook-id`: the new attempt.
      def retry(id, opts = {})
        object("POST", path("webhooks/%s/retry", id), {}, opts)
      end
    end

    # The API's signature tester. To verify a webhook your server received, use
    # `Expe::Webhook.verify`, which needs no call.
    class Webhooks < Base
      # Checks a received webhook as a receiver would and says why it fails: valid, reason
      # (`missing_header`, `malformed_header`, `timestamp_outside_tolerance`, `malformed_secret`,
      # `signature_mismatch`), message. body (the raw body), headers, secret, tolerance_seconds.
      def verify(params, opts = {})
        object("POST", path("webhooks/verify"), params, opts)
      end
    end
  end
end
