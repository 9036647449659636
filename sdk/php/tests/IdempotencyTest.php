<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\ConflictError;
use Expe\Exception\IdempotencyError;
use Expe\Tests\Support\Env;
use PHPUnit\Framework\TestCase;

final class IdempotencyTest extends TestCase
{
    public function testTheSameKeyAndBodyReplayTheFirstAnswer(): void
    {
        $expe = Env::client();
        $params = ['amount' => 1000, 'currency' => 'INR', 'orderId' => Env::orderId()];
        $key = 'order-' . bin2hex(random_bytes(16));

        $first = $expe->payments->create($params, ['idempotencyKey' => $key]);
        $again = $expe->payments->create($params, ['idempotencyKey' => $key]);

        $this->assertSame($first->id, $again->id);
        $this->assertNull($first->lastResponse->header('idempotent-replayed'));
        $this->assertSame('true', $again->lastResponse->header('idempotent-replayed'));
    }

    public function testTheSameKeyWithAnotherBodyIsAnIdempotencyError(): void
    {
        $expe = Env::client();
        $key = 'order-' . bin2hex(random_bytes(16));
        $expe->payments->create(['amount' => 1000, 'currency' => 'INR', 'orderId' => Env::orderId()], ['idempotencyKey' => $key]);
        try {
            $expe->payments->create(['amount' => 2000, 'currency' => 'INR', 'orderId' => Env::orderId()], ['idempotencyKey' => $key]);
            $this->fail('No error raised.');
        } catch (IdempotencyError $error) {
            $this->assertInstanceOf(ConflictError::class, $error);
            $this->assertSame('idempotency_key_reused', $error->getErrorCode());
            $this->assertSame(409, $error->getHttpStatus());
        }
    }

    public function testWithoutAKeyEveryCallCreatesAnew(): void
    {
        $expe = Env::client();
        $params = ['amount' => 1000, 'currency' => 'INR', 'orderId' => Env::orderId()];
        $this->assertNotSame($expe->payments->create($params)->id, $expe->payments->create($params)->id);
    }
}
