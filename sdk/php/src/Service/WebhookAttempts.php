<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;
use Expe\Page;

/** The attempts log: every delivery of a message, with what was sent and answered. */
final class WebhookAttempts extends AbstractService
{
    /**
     * Newest first.
     *
     * @param array<string, mixed> $params endpointId, messageId, paymentId, status, page, limit
     * @param array<string, mixed> $opts
     */
    public function list(array $params = [], array $opts = []): Page
    {
        return $this->page(self::path('webhooks/attempts'), $params, $opts);
    }

    /**
     * One attempt with the signed request and the response (bodies cut at 4 KiB).
     *
     * @param array<string, mixed> $opts
     */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('webhooks/attempts/%s', $id), [], $opts);
    }

    /**
     * Sends the attempt's message again now, with the same `webhook-id`: the new attempt.
     *
     * @param array<string, mixed> $opts
     */
    public function retry(string $id, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('webhooks/%s/retry', $id), [], $opts);
    }
}
