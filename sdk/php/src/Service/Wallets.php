<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;
use Expe\Page;

/** The merchant's wallets, one per currency and mode, and their statements. */
final class Wallets extends AbstractService
{
    /**
     * Opens the wallet in `currency`, or answers the one already open.
     *
     * @param array<string, mixed> $params currency
     * @param array<string, mixed> $opts
     */
    public function create(array $params, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('wallets'), $params, $opts);
    }

    /**
     * Balances in minor units: available, held, total.
     *
     * @param array<string, mixed> $opts
     */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('wallets/%s', $id), [], $opts);
    }

    /**
     * Every wallet of the key's mode, in `data`.
     *
     * @param array<string, mixed> $opts
     */
    public function list(array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('wallets'), [], $opts);
    }

    /**
     * The wallet's statement, newest first.
     *
     * @param array<string, mixed> $params page, limit
     * @param array<string, mixed> $opts
     */
    public function entries(string $id, array $params = [], array $opts = []): Page
    {
        return $this->page(self::path('wallets/%s/entries', $id), $params, $opts);
    }

    /**
     * The whole statement as CSV.
     *
     * @param array<string, mixed> $opts
     */
    public function exportEntries(string $id, array $opts = []): string
    {
        $path = self::path('wallets/%s/entries', $id);
        return $this->raw('GET', $path, ['format' => 'csv'], $opts)->body;
    }
}
