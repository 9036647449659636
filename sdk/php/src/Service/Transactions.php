<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\Page;

/** The merchant's payments as its transactions, newest first. */
final class Transactions extends AbstractService
{
    /**
     * @param string $merchantId the key's own merchant (`mer_…`)
     * @param array<string, mixed> $params page, limit
     * @param array<string, mixed> $opts
     */
    public function list(string $merchantId, array $params = [], array $opts = []): Page
    {
        return $this->page(self::path('merchants/%s/transactions', $merchantId), $params, $opts);
    }
}
