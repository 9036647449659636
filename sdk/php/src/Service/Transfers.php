<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;

/**
 * Money from one of the merchant's wallets to another wallet, or to a person by their verified
 * email. Without the funds: PaymentError `insufficient_funds`, and nothing moves.
 */
final class Transfers extends AbstractService
{
    /**
     * @param array<string, mixed> $params fromWalletId, to (`['walletId' => …]` or
     *     `['email' => …]`), amount, currency, note
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('transfers'), $params, $opts);
    }

    /** @param array<string, mixed> $opts */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('transfers/%s', $id), [], $opts);
    }
}
