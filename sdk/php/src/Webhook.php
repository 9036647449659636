<?php

declare(strict_types=1);

namespace Expe;

use Expe\Exception\SignatureVerificationError;

/**
 * Verifies the webhooks Expe sends (the Standard Webhooks scheme): the signature is
 * `v1,` + base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")), the key being the
 * base64-decoded part of the endpoint's secret after `whsec_`.
 */
final class Webhook
{
    public const DEFAULT_TOLERANCE_SECONDS = 300;
    private const SECRET_PREFIX = 'whsec_';
    // As strong as the secrets Expe makes itself.
    private const SECRET_BYTES = 24;

    /**
     * A new signing secret, `whsec_` + base64 of 24 random bytes: for an endpoint created with
     * `'secret' => …`, so that the receiver is configured with it before the endpoint exists.
     */
    public static function generateSecret(): string
    {
        return self::SECRET_PREFIX . base64_encode(random_bytes(self::SECRET_BYTES));
    }

    /**
     * Checks a received webhook and answers its event. Accepts the message when any of the
     * signatures in `webhook-signature` matches (two are sent while a rotated secret is in its
     * grace period) and `webhook-timestamp` is within `$tolerance` seconds of now, either way.
     *
     * @param string $payload the raw body, exactly as received (parse it only after this)
     * @param array<string, string|list<string>> $headers the request's headers, any case:
     *     `getallheaders()`, `$_SERVER`, or a framework's header bag as an array
     *
     * @throws SignatureVerificationError
     */
    public static function verify(
        string $payload,
        array $headers,
        string $secret,
        int $tolerance = self::DEFAULT_TOLERANCE_SECONDS,
    ): ExpeObject {
        $found = self::webhookHeaders($headers);
        $timestamp = $found['webhook-timestamp'];
        if (preg_match('/^\d{1,12}$/', $timestamp) !== 1) {
            throw new SignatureVerificationError(
                'webhook-timestamp is not whole seconds since 1970.'
            );
        }
        $age = time() - (int) $timestamp;
        if (abs($age) > $tolerance) {
            throw new SignatureVerificationError(sprintf(
                'webhook-timestamp is %d s %s; at most %d s is accepted (a replayed or delayed'
                    . ' message).',
                abs($age),
                $age > 0 ? 'old' : 'in the future',
                $tolerance,
            ));
        }
        $expected = self::sign($secret, $found['webhook-id'], (int) $timestamp, $payload);
        $matched = false;
        $signatures = preg_split('/\s+/', $found['webhook-signature'], -1, PREG_SPLIT_NO_EMPTY);
        foreach ($signatures as $offered) {
            // Every entry is compared, in constant time, so timing tells nothing about the rest.
            $matched = hash_equals($expected, $offered) || $matched;
        }
        if (!$matched) {
            throw new SignatureVerificationError(
                'No signature matches: check the secret, and that the body is the raw bytes'
                    . ' received.'
            );
        }
        try {
            return ExpeObject::fromJson($payload);
        } catch (\JsonException | \UnexpectedValueException $e) {
            throw new SignatureVerificationError('The body is not a JSON object.', previous: $e);
        }
    }

    /**
     * The signature of a message (`v1,<base64>`), as Expe computes it: for testing a receiver.
     *
     * @throws SignatureVerificationError when the secret is not `whsec_` followed by base64
     */
    public static function sign(
        string $secret,
        string $messageId,
        int $timestamp,
        string $payload,
    ): string {
        $encoded = str_starts_with($secret, self::SECRET_PREFIX)
            ? substr($secret, strlen(self::SECRET_PREFIX))
            : $secret;
        $key = base64_decode($encoded, true);
        if ($key === false || $key === '') {
            throw new SignatureVerificationError('The secret is not `whsec_` followed by base64.');
        }
        $digest = hash_hmac('sha256', $messageId . '.' . $timestamp . '.' . $payload, $key, true);
        return 'v1,' . base64_encode($digest);
    }

    /**
     * @param array<string, string|list<string>> $headers
     * @return array{'webhook-id': string, 'webhook-timestamp': string, 'webhook-signature': string}
     */
    private static function webhookHeaders(array $headers): array
    {
        $lowered = [];
        foreach ($headers as $name => $value) {
            // $_SERVER spells `webhook-id` as HTTP_WEBHOOK_ID.
            $name = strtolower((string) $name);
            if (str_starts_with($name, 'http_')) {
                $name = str_replace('_', '-', substr($name, 5));
            }
            $lowered[$name] = is_array($value) ? implode(' ', $value) : (string) $value;
        }
        $found = [];
        foreach (['webhook-id', 'webhook-timestamp', 'webhook-signature'] as $name) {
            if (($lowered[$name] ?? '') === '') {
                throw new SignatureVerificationError("The $name header is missing.");
            }
            $found[$name] = trim($lowered[$name]);
        }
        return $found;
    }
}
