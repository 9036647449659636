<?php

declare(strict_types=1);

namespace Expe;

use Expe\Exception\ConnectionError;
use Expe\Exception\ExpeError;

/**
 * Sends a call to the API: its headers, its idempotency key, and its retries with exponential
 * backoff and full jitter.
 *
 * @internal resources call it; applications use the resources
 */
final class ApiRequestor
{
    private const BACKOFF_BASE_SECONDS = 0.5;
    private const BACKOFF_CAP_SECONDS = 8.0;
    private const RETRY_AFTER_CAP_SECONDS = 60.0;
    private const CALL_OPTIONS = [
        'idempotencyKey',
        'timeout',
        'maxNetworkRetries',
        'headers',
        'clientSecret',
    ];

    private HttpClient $http;

    public function __construct(private readonly ExpeClient $client)
    {
        $this->http = new HttpClient();
    }

    /**
     * @param array<string, mixed> $params the query of a GET or DELETE, the JSON body otherwise
     * @param array<string, mixed> $opts   idempotencyKey, timeout, maxNetworkRetries, headers,
     *                                     clientSecret
     */
    public function request(
        string $method,
        string $path,
        array $params = [],
        array $opts = [],
    ): ExpeResponse {
        $unknown = array_diff(array_keys($opts), self::CALL_OPTIONS);
        if ($unknown !== []) {
            throw new \InvalidArgumentException(sprintf(
                'Unknown call option(s) %s; use %s.',
                implode(', ', $unknown),
                implode(', ', self::CALL_OPTIONS),
            ));
        }
        $hasBody = $method === 'POST' || $method === 'PATCH' || $method === 'PUT';
        $url = $this->client->baseUrl . $path;
        if (!$hasBody && $params !== []) {
            $url .= '?' . Params::query($params);
        }
        $body = $hasBody && $params !== [] ? self::json($params) : null;
        $headers = $this->headers($method, $body !== null, $opts);
        $timeout = (float) ($opts['timeout'] ?? $this->client->timeout);
        $retries = (int) ($opts['maxNetworkRetries'] ?? $this->client->maxNetworkRetries);

        for ($attempt = 0; ; $attempt++) {
            try {
                $response = $this->http->send($method, $url, $headers, $body, $timeout);
            } catch (ConnectionError $error) {
                if ($attempt >= $retries) {
                    throw $error;
                }
                self::pause($attempt, null);
                continue;
            }
            $this->client->lastResponse = $response;
            if ($response->status < 400) {
                return $response;
            }
            $error = Errors::fromResponse($response);
            if ($attempt >= $retries || !self::retryable($response, $error)) {
                throw $error;
            }
            self::pause($attempt, $response->header('retry-after'));
        }
    }

    /**
     * @param array<string, mixed> $opts
     * @return array<string, string>
     */
    private function headers(string $method, bool $hasBody, array $opts): array
    {
        $headers = [
            'Authorization' => 'Bearer ' . $this->client->apiKey,
            'Accept' => 'application/json',
            'User-Agent' => 'expe-php/' . ExpeClient::VERSION . ' PHP/' . PHP_VERSION,
        ];
        if ($hasBody) {
            $headers['Content-Type'] = 'application/json';
        }
        if ($method === 'POST') {
            // Chosen once per call, so every retry of it is the same request to the API.
            $headers['Idempotency-Key'] = (string) ($opts['idempotencyKey'] ?? self::newKey());
        }
        if (isset($opts['clientSecret'])) {
            $headers['Expe-Client-Secret'] = (string) $opts['clientSecret'];
        }
        foreach ([...$this->client->headers, ...($opts['headers'] ?? [])] as $name => $value) {
            $headers[$name] = (string) $value;
        }
        return $headers;
    }

    /** A random key of 40 characters. */
    public static function newKey(): string
    {
        return bin2hex(random_bytes(20));
    }

    private static function retryable(ExpeResponse $response, ExpeError $error): bool
    {
        return $response->status === 429
            || $response->status >= 500
            || ($response->status === 409 && $error->getErrorCode() === 'idempotency_key_in_use');
    }

    private static function pause(int $attempt, ?string $retryAfter): void
    {
        if ($retryAfter !== null && is_numeric($retryAfter) && (float) $retryAfter >= 0) {
            $seconds = min((float) $retryAfter, self::RETRY_AFTER_CAP_SECONDS);
        } else {
            $ceiling = min(self::BACKOFF_CAP_SECONDS, self::BACKOFF_BASE_SECONDS * 2 ** $attempt);
            $seconds = $ceiling * (random_int(0, PHP_INT_MAX) / PHP_INT_MAX);
        }
        usleep((int) round($seconds * 1_000_000));
    }

    /** @param array<string, mixed> $params */
    private static function json(array $params): string
    {
        return json_encode(Params::plain($params), JSON_THROW_ON_ERROR | JSON_UNESCAPED_SLASHES);
    }
}
