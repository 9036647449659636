<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\ApiError;
use Expe\Exception\InvalidRequestError;
use Expe\ExpeClient;
use Expe\Tests\Support\ScriptedServer;
use PHPUnit\Framework\TestCase;

/** Retries against a local stand-in for the API that answers as each test scripts. */
final class RetriesTest extends TestCase
{
    private const CREATED = ['status' => 201, 'body' => '{"id":"pay_1","status":"created"}'];

    private ?ScriptedServer $upstream = null;

    protected function tearDown(): void
    {
        $this->upstream?->stop();
    }

    /** @param list<array<string, mixed>> $answers */
    private function client(array $answers, array $options = []): ExpeClient
    {
        $this->upstream = new ScriptedServer($answers);
        return new ExpeClient('sk_test_abc', ['baseUrl' => $this->upstream->url] + $options);
    }

    private function create(ExpeClient $expe): string
    {
        return $expe->payments->create(['amount' => 1000, 'currency' => 'INR', 'orderId' => 'o_1'])->id;
    }

    private static function error(int $status, string $type, string $code, array $headers = []): array
    {
        $body = ['error' => ['type' => $type, 'code' => $code, 'message' => $code, 'param' => null]];
        return ['status' => $status, 'headers' => ['Content-Type' => 'application/json'] + $headers, 'body' => json_encode($body)];
    }

    public function testA503IsRetriedAfterItsRetryAfterWithTheSameIdempotencyKey(): void
    {
        $expe = $this->client([self::error(503, 'api_error', 'service_unavailable', ['Retry-After' => '1']), self::CREATED]);
        $this->assertSame('pay_1', $this->create($expe));

        [$first, $second] = $this->upstream->requests();
        $this->assertCount(2, $this->upstream->requests());
        $this->assertSame($first['headers']['idempotency-key'], $second['headers']['idempotency-key']);
        $this->assertSame($first['body'], $second['body']);
        $this->assertGreaterThanOrEqual(1.0, $second['at'] - $first['at']);
        $this->assertLessThan(3.0, $second['at'] - $first['at']);
    }

    public function testA429AndAnIdempotencyKeyInUseAreRetried(): void
    {
        $expe = $this->client([
            self::error(429, 'rate_limit_error', 'rate_limited', ['Retry-After' => '0']),
            self::error(409, 'invalid_request_error', 'idempotency_key_in_use', ['Retry-After' => '0']),
            self::CREATED,
        ]);
        $this->assertSame('pay_1', $this->create($expe));
        $this->assertCount(3, $this->upstream->requests());
    }

    public function testWithoutRetryAfterTheBackoffStartsUnderHalfASecond(): void
    {
        $expe = $this->client([self::error(500, 'api_error', 'internal_error'), self::CREATED]);
        $this->create($expe);
        [$first, $second] = $this->upstream->requests();
        $this->assertLessThan(0.5 + 0.3, $second['at'] - $first['at']);
    }

    public function testGivesUpAfterMaxNetworkRetries(): void
    {
        $expe = $this->client([self::error(503, 'api_error', 'service_unavailable', ['Retry-After' => '0', 'X-Request-ID' => 'req_down'])]);
        try {
            $this->create($expe);
            $this->fail('No error raised.');
        } catch (ApiError $error) {
            $this->assertSame(503, $error->getHttpStatus());
            $this->assertSame('service_unavailable', $error->getErrorCode());
            $this->assertSame('req_down', $error->getRequestId());
        }
        $this->assertCount(1 + ExpeClient::DEFAULT_MAX_NETWORK_RETRIES, $this->upstream->requests());
    }

    public function testMaxNetworkRetriesIsAnOptionOfTheClientAndOfEachCall(): void
    {
        $expe = $this->client([self::error(503, 'api_error', 'service_unavailable', ['Retry-After' => '0'])], ['maxNetworkRetries' => 0]);
        try {
            $this->create($expe);
        } catch (ApiError) {
        }
        $this->assertCount(1, $this->upstream->requests());
        try {
            $expe->payments->retrieve('pay_1', ['maxNetworkRetries' => 3]);
        } catch (ApiError) {
        }
        $this->assertCount(1 + 4, $this->upstream->requests());
    }

    public function testAnInvalidRequestIsNotRetried(): void
    {
        $expe = $this->client([self::error(400, 'invalid_request_error', 'parameter_invalid'), self::CREATED]);
        $this->expectException(InvalidRequestError::class);
        try {
            $this->create($expe);
        } finally {
            $this->assertCount(1, $this->upstream->requests());
        }
    }

    public function testATimedOutRequestIsRetriedWithTheSameIdempotencyKey(): void
    {
        $expe = $this->client([['delay' => 2.0] + self::CREATED, self::CREATED], ['timeout' => 0.5]);
        $this->assertSame('pay_1', $this->create($expe));
        [$first, $second] = $this->upstream->requests();
        $this->assertSame($first['headers']['idempotency-key'], $second['headers']['idempotency-key']);
    }
}
