<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\NotFoundError;
use Expe\Tests\Support\Env;
use PHPUnit\Framework\TestCase;

final class WebhookEndpointsTest extends TestCase
{
    /** @var list<string> */
    private array $created = [];

    protected function tearDown(): void
    {
        foreach ($this->created as $id) {
            try {
                Env::client()->webhookEndpoints->delete($id);
            } catch (NotFoundError) {
            }
        }
    }

    public function testCreatesReadsListsUpdatesAndDeletesAnEndpoint(): void
    {
        $expe = Env::client();
        $endpoint = $expe->webhookEndpoints->create([
            'url' => 'https://shop.example.com/hooks/expe',
            'enabledEvents' => ['payment.*', 'refund.issued'],
            'description' => 'orders',
        ]);
        $this->created[] = $endpoint->id;
        $this->assertStringStartsWith('we_', $endpoint->id);
        $this->assertStringStartsWith('whsec_', $endpoint->secret);
        $this->assertSame(['payment.*', 'refund.issued'], $endpoint->enabledEvents);

        $read = $expe->webhookEndpoints->retrieve($endpoint->id);
        $this->assertSame('orders', $read->description);
        $this->assertFalse(isset($read->secret));

        $other = $expe->webhookEndpoints->create(['url' => 'https://shop.example.com/hooks/other']);
        $this->created[] = $other->id;
        $this->assertSame(['*'], $other->enabledEvents);
        $ids = [];
        foreach ($expe->webhookEndpoints->list(['limit' => 1]) as $listed) {
            $ids[] = $listed->id;
        }
        $this->assertContains($endpoint->id, $ids);
        $this->assertContains($other->id, $ids);

        $updated = $expe->webhookEndpoints->update($endpoint->id, ['enabled' => false, 'description' => 'paused']);
        $this->assertFalse($updated->enabled);
        $this->assertSame('paused', $updated->description);

        $deleted = $expe->webhookEndpoints->delete($endpoint->id);
        $this->assertTrue($deleted->deleted);
        $this->assertSame(204, $deleted->lastResponse->status);
        $this->expectException(NotFoundError::class);
        $expe->webhookEndpoints->retrieve($endpoint->id);
    }

    public function testRotatesTheSecret(): void
    {
        $expe = Env::client();
        $endpoint = $expe->webhookEndpoints->create(['url' => 'https://shop.example.com/hooks/expe']);
        $this->created[] = $endpoint->id;
        $rotated = $expe->webhookEndpoints->rotateSecret($endpoint->id, ['graceSeconds' => 3600]);
        $this->assertSame($endpoint->id, $rotated->endpointId);
        $this->assertStringStartsWith('whsec_', $rotated->secret);
        $this->assertNotSame($endpoint->secret, $rotated->secret);
        $this->assertNotNull($rotated->previousSecretExpiresAt);
    }
}
