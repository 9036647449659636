<?php

declare(strict_types=1);

namespace Expe\Tests\Support;

use Expe\ExpeClient;

/**
 * The sandbox merchant the suite runs as: EXPE_API_URL, EXPE_SECRET_KEY, EXPE_PUBLISHABLE_KEY and
 * EXPE_MERCHANT_ID (from `python -m devstack account run`, or the e2e suite's fixture).
 */
final class Env
{
    public static function get(string $name): string
    {
        $value = getenv($name);
        if (!is_string($value) || $value === '') {
            throw new \RuntimeException(
                "$name is not set: take it from `.venv/bin/python -m devstack account run`."
            );
        }
        return $value;
    }

    /** @param array<string, mixed> $options */
    public static function client(array $options = []): ExpeClient
    {
        return new ExpeClient(self::get('EXPE_SECRET_KEY'), $options);
    }

    public static function checkout(): ExpeClient
    {
        return new ExpeClient(self::get('EXPE_PUBLISHABLE_KEY'));
    }

    public static function merchantId(): string
    {
        return self::get('EXPE_MERCHANT_ID');
    }

    /** An order id no other test or run uses. */
    public static function orderId(string $label = 'order'): string
    {
        return $label . '_' . bin2hex(random_bytes(6));
    }
}
