<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;

/** Counts and volumes of the merchant's payments in the key's mode. */
final class Analytics extends AbstractService
{
    /**
     * Payments created per currency within [from, to).
     *
     * @param array<string, mixed> $params from, to
     * @param array<string, mixed> $opts
     */
    public function summary(array $params = [], array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('analytics/payments/summary'), $params, $opts);
    }

    /**
     * Today, this month and each of the last `days` days in time zone `tz`, per currency.
     *
     * @param array<string, mixed> $params days (1–90, default 30), tz (IANA, default UTC)
     * @param array<string, mixed> $opts
     */
    public function overview(array $params = [], array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('analytics/overview'), $params, $opts);
    }
}
