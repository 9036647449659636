<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\Page;

/** Messages: one event for one endpoint (`pending`, `delivered`, `failed`, `canceled`). */
final class WebhookMessages extends AbstractService
{
    /**
     * Newest first.
     *
     * @param array<string, mixed> $params endpointId, paymentId, status, page, limit
     * @param array<string, mixed> $opts
     */
    public function list(array $params = [], array $opts = []): Page
    {
        return $this->page(self::path('webhooks/messages'), $params, $opts);
    }
}
