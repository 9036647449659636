<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\ExpeClient;
use Expe\Tests\Support\Env;
use Expe\Tests\Support\ScriptedServer;
use PHPUnit\Framework\TestCase;

final class ClientTest extends TestCase
{
    private ScriptedServer $upstream;

    protected function setUp(): void
    {
        $this->upstream = new ScriptedServer([
            ['status' => 201, 'headers' => ['Content-Type' => 'application/json', 'X-Request-ID' => 'req_standin'], 'body' => '{"id":"pay_1"}'],
        ]);
    }

    protected function tearDown(): void
    {
        $this->upstream->stop();
    }

    public function testTellsTestKeysFromLiveOnes(): void
    {
        $this->assertTrue((new ExpeClient('sk_test_abc'))->isTestMode());
        $this->assertTrue((new ExpeClient('pk_test_abc'))->isTestMode());
        $this->assertFalse((new ExpeClient('sk_live_abc'))->isTestMode());
        $this->assertFalse((new ExpeClient('pk_live_abc'))->isTestMode());
    }

    public function testReadsTheBaseUrlFromTheEnvironmentUnlessGivenOne(): void
    {
        $this->assertSame(rtrim(Env::get('EXPE_API_URL'), '/'), (new ExpeClient('sk_test_abc'))->baseUrl);
        $given = new ExpeClient('sk_test_abc', ['baseUrl' => 'https://api.example.com/']);
        $this->assertSame('https://api.example.com', $given->baseUrl);
        $this->assertSame(30.0, $given->timeout);
        $this->assertSame(2, $given->maxNetworkRetries);
    }

    public function testRefusesAnUnknownOption(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new ExpeClient('sk_test_abc', ['base_url' => 'https://api.example.com']);
    }

    public function testSendsTheKeyTheVersionAndAFreshIdempotencyKeyOnEveryPost(): void
    {
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $this->upstream->url]);
        $first = $expe->payments->create(['amount' => 1000, 'currency' => 'INR', 'orderId' => 'o_1']);
        $expe->payments->create(['amount' => 1000, 'currency' => 'INR', 'orderId' => 'o_2']);
        $expe->payments->retrieve('pay_1');

        [$created, $again, $read] = $this->upstream->requests();
        $this->assertSame('Bearer sk_test_abc', $created['headers']['authorization']);
        $this->assertStringStartsWith('expe-php/' . ExpeClient::VERSION . ' ', $created['headers']['user-agent']);
        $this->assertSame('application/json', $created['headers']['content-type']);
        $this->assertSame(['amount' => 1000, 'currency' => 'INR', 'orderId' => 'o_1'], json_decode($created['body'], true));
        $this->assertGreaterThanOrEqual(32, strlen($created['headers']['idempotency-key']));
        $this->assertNotSame($created['headers']['idempotency-key'], $again['headers']['idempotency-key']);
        $this->assertArrayNotHasKey('idempotency-key', $read['headers']);
        $this->assertSame('GET', $read['method']);
        $this->assertSame('/api/v1/payments/pay_1', $read['path']);
        $this->assertSame('req_standin', $first->lastResponse->requestId());
        $this->assertSame('req_standin', $expe->lastResponse->requestId());
    }

    public function testTakesTheIdempotencyKeyAndHeadersOfACall(): void
    {
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $this->upstream->url, 'headers' => ['X-Shop' => 'chai']]);
        $expe->payments->create(
            ['amount' => 1000, 'currency' => 'INR', 'orderId' => 'o_1'],
            ['idempotencyKey' => 'order-o_1', 'headers' => ['X-Trace' => 't-1']],
        );
        [$request] = $this->upstream->requests();
        $this->assertSame('order-o_1', $request['headers']['idempotency-key']);
        $this->assertSame('chai', $request['headers']['x-shop']);
        $this->assertSame('t-1', $request['headers']['x-trace']);
    }

    public function testEncodesListFiltersAsRepeatedParametersAndTimesInUtc(): void
    {
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $this->upstream->url]);
        $expe->payments->list([
            'status' => ['succeeded', 'failed'],
            'from' => new \DateTimeImmutable('2025-01-31 15:45:02', new \DateTimeZone('Asia/Kolkata')),
            'q' => 'order 1',
        ]);
        [$request] = $this->upstream->requests();
        $this->assertSame(
            '/api/v1/payments?status=succeeded&status=failed&from=2025-01-31T10%3A15%3A02.000Z&q=order%201',
            $request['path'],
        );
    }

    public function testKeepsAnEmptyObjectAnObjectAndAnEmptyListAList(): void
    {
        $upstream = new ScriptedServer([
            ['status' => 200, 'body' => '{"id":"pay_1","metadata":{},"allowedMethods":[],"card":{"last4":"4242"}}'],
            ['status' => 200, 'body' => '<html>maintenance</html>'],
        ]);
        try {
            $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $upstream->url]);
            $payment = $expe->payments->retrieve('pay_1');
            $this->assertInstanceOf(\Expe\ExpeObject::class, $payment->metadata);
            $this->assertSame([], $payment->metadata->keys());
            $this->assertSame([], $payment->allowedMethods);
            $this->assertSame('4242', $payment->card->last4);
            $this->assertSame(['id' => 'pay_1', 'metadata' => [], 'allowedMethods' => [], 'card' => ['last4' => '4242']], $payment->toArray());

            $this->expectException(\Expe\Exception\ApiError::class);
            $expe->payments->retrieve('pay_1');
        } finally {
            $upstream->stop();
        }
    }

    public function testRefusesAnUnknownCallOption(): void
    {
        $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $this->upstream->url]);
        $this->expectException(\InvalidArgumentException::class);
        $expe->payments->retrieve('pay_1', ['idempotency_key' => 'k']);
    }
}
