<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;
use Expe\Page;

/** Payments: create one for the customer to pay on the hosted checkout, then follow it. */
final class Payments extends AbstractService
{
    /**
     * @param array<string, mixed> $params amount, currency, orderId, and optionally description,
     *     customer, metadata, expiresAt, allowedMethods, returnUrl
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('payments'), $params, $opts);
    }

    /** @param array<string, mixed> $opts */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('payments/%s', $id), [], $opts);
    }

    /**
     * Newest first.
     *
     * @param array<string, mixed> $params status (one or a list), from, to, minAmount,
     *     maxAmount, q (a payment id or order id), page, limit
     * @param array<string, mixed> $opts
     */
    public function list(array $params = [], array $opts = []): Page
    {
        return $this->page(self::path('payments'), $params, $opts);
    }

    /**
     * @param array<string, mixed> $params reason
     * @param array<string, mixed> $opts
     */
    public function cancel(string $id, array $params = [], array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('payments/%s/cancel', $id), $params, $opts);
    }

    /**
     * Refunds `amount`, or all that is left when no amount is given.
     *
     * @param array<string, mixed> $params amount, reason
     * @param array<string, mixed> $opts
     */
    public function refund(string $id, array $params = [], array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('payments/%s/refund', $id), $params, $opts);
    }

    /**
     * The payment's refunds, oldest first, in `data`.
     *
     * @param array<string, mixed> $opts
     */
    public function listRefunds(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('payments/%s/refunds', $id), [], $opts);
    }

    /**
     * Every state the payment went through (from, to, at, cause, actor), in `data`.
     *
     * @param array<string, mixed> $opts
     */
    public function history(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('payments/%s/history', $id), [], $opts);
    }

    /**
     * Every payment the list's filters match, as the file's bytes.
     *
     * @param array<string, mixed> $params format (`csv`, the default, or `xlsx`) and the
     *     list's filters
     * @param array<string, mixed> $opts
     */
    public function export(array $params = [], array $opts = []): string
    {
        return $this->raw('GET', self::path('payments/export'), $params, $opts)->body;
    }

    /**
     * Every webhook message about the payment with its attempts, newest first, in `data`.
     *
     * @param array<string, mixed> $opts
     */
    public function webhooks(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('payments/%s/webhooks', $id), [], $opts);
    }
}
