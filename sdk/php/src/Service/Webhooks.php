<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;

/**
 * The API's signature tester. To verify a webhook your server received, use
 * `\Expe\Webhook::verify()`, which needs no call.
 */
final class Webhooks extends AbstractService
{
    /**
     * Checks a received webhook as a receiver would and says why it fails: valid, reason
     * (`missing_header`, `malformed_header`, `timestamp_outside_tolerance`, `malformed_secret`,
     * `signature_mismatch`), message.
     *
     * @param array<string, mixed> $params body (the raw body), headers, secret, toleranceSeconds
     * @param array<string, mixed> $opts
     */
    public function verify(array $params, array $opts = []): ExpeObject
    {
        return $this->object('POST', self::path('webhooks/verify'), $params, $opts);
    }
}
