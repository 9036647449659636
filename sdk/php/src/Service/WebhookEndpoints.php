<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;
use Expe\Page;

/** Where the merchant's webhooks go: URL, event filter, signing secret. */
final class WebhookEndpoints extends AbstractService
{
    /**
     * The answer holds the endpoint's signing `secret`, which is never shown again.
     *
     * With `'verification' => 'challenge'` it is sent a signed challenge at once and gets nothing
     * until it echoes it: the answer's `status` and `handshake` say whether it did. A receiver
     * that checks signatures passes that challenge when the endpoint is created with a `secret`
     * of your own (`Webhook::generateSecret()`) that it already has.
     *
     * @param array<string, mixed> $params url, enabledEvents (default `['*']`), description,
     *     projectId, verification (`none`, the default, or `challenge`), secret (`whsec_` + base64
     *     of 24 to 64 random bytes; made when left out)
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('webhooks/endpoints'), $params, $opts);
    }

    /** @param array<string, mixed> $opts */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('webhooks/endpoints/%s', $id), [], $opts);
    }

    /**
     * Oldest first.
     *
     * @param array<string, mixed> $params projectId, page, limit
     * @param array<string, mixed> $opts
     */
    public function list(array $params = [], array $opts = []): Page
    {
        return $this->page(self::path('webhooks/endpoints'), $params, $opts);
    }

    /**
     * `'verification' => 'challenge'` turns the handshake on and challenges the endpoint at once,
     * as a new URL of an endpoint with the handshake is.
     *
     * @param array<string, mixed> $params url, enabledEvents, description, enabled, verification
     * @param array<string, mixed> $opts
     */
    public function update(string $id, array $params, array $opts = []): ExpeObject
    {
        return $this->object('PATCH', self::path('webhooks/endpoints/%s', $id), $params, $opts);
    }

    /**
     * Deletes it (its waiting messages are canceled); answers `['id' => …, 'deleted' => true]`.
     *
     * @param array<string, mixed> $opts
     */
    public function delete(string $id, array $opts = []): ExpeObject
    {
        $response = $this->raw('DELETE', self::path('webhooks/endpoints/%s', $id), [], $opts);
        return ExpeObject::from(['id' => $id, 'deleted' => true], $response);
    }

    /**
     * A new secret; the previous one keeps signing beside it until `previousSecretExpiresAt`.
     *
     * @param array<string, mixed> $params graceSeconds
     * @param array<string, mixed> $opts
     */
    public function rotateSecret(string $id, array $params = [], array $opts = []): ExpeObject
    {
        $path = self::path('webhooks/endpoints/%s/rotate-secret', $id);
        return $this->object('POST', $path, $params, $opts);
    }

    /**
     * Queues a sample event (`data.test` true), delivered like a real one.
     *
     * @param array<string, mixed> $params eventType (default `payment.completed`)
     * @param array<string, mixed> $opts
     */
    public function sendTest(string $id, array $params = [], array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('webhooks/endpoints/%s/test', $id), $params, $opts);
    }

    /**
     * Sends a signed `webhook.ping` now: ok, status, latencyMs, attemptId.
     *
     * @param array<string, mixed> $opts
     */
    public function ping(string $id, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('webhooks/endpoints/%s/ping', $id), [], $opts);
    }

    /**
     * Sends an endpoint with the handshake a new signed challenge now and answers the endpoint,
     * enabled if it echoed (`Webhook::verify()` is the signature check, not this). A
     * ConflictError `verification_off` without the handshake, `endpoint_already_verified` once
     * verified.
     *
     * @param array<string, mixed> $opts
     */
    public function challenge(string $id, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('webhooks/endpoints/%s/verify', $id), [], $opts);
    }

    /**
     * Sends again every event of the window the endpoint subscribes to: `queued`.
     *
     * @param array<string, mixed> $params since, until
     * @param array<string, mixed> $opts
     */
    public function replay(string $id, array $params, array $opts = []): ExpeObject
    {
        $path = self::path('webhooks/endpoints/%s/replay', $id);
        return $this->object('POST', $path, $params, $opts);
    }
}
