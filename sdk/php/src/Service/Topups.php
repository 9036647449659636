<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;

/**
 * Money into a wallet from a sandbox bank or UPI source. In test mode an amount ending in 99
 * minor units is declined (PaymentError `topup_declined`).
 */
final class Topups extends AbstractService
{
    /**
     * @param array<string, mixed> $params walletId, amount, source (`['type' => 'bank']` or
     *     `['type' => 'upi', 'vpa' => …]`)
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('topups'), $params, $opts);
    }

    /** @param array<string, mixed> $opts */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('topups/%s', $id), [], $opts);
    }
}
