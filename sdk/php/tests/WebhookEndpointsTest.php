<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\ConflictError;
use Expe\Exception\InvalidRequestError;
use Expe\Exception\NotFoundError;
use Expe\Tests\Support\Env;
use Expe\Tests\Support\ScriptedServer;
use Expe\Webhook;
use PHPUnit\Framework\TestCase;

final class WebhookEndpointsTest extends TestCase
{
    /** @var list<string> */
    private array $created = [];
    /** @var list<ScriptedServer> */
    private array $receivers = [];

    protected function tearDown(): void
    {
        foreach ($this->receivers as $receiver) {
            $receiver->stop();
        }
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

    /** @param list<array<string, mixed>> $answers */
    private function receiver(array $answers): ScriptedServer
    {
        $receiver = new ScriptedServer($answers);
        $this->receivers[] = $receiver;
        return $receiver;
    }

    public function testAnEndpointThatEchoesItsSignedChallengeIsEnabledWhenCreated(): void
    {
        $expe = Env::client();
        $receiver = $this->receiver([['echoChallenge' => true]]);
        $endpoint = $expe->webhookEndpoints->create([
            'url' => $receiver->url . '/hooks/expe',
            'verification' => 'challenge',
        ]);
        $this->created[] = $endpoint->id;
        $this->assertSame('challenge', $endpoint->verification);
        $this->assertSame('enabled', $endpoint->status);
        $this->assertTrue($endpoint->enabled);
        $this->assertSame('verified', $endpoint->handshake->status);
        $this->assertNull($endpoint->handshake->failure);
        $this->assertNotNull($endpoint->handshake->verifiedAt);

        [$challenge] = $receiver->requests();
        $event = Webhook::verify($challenge['body'], $challenge['headers'], $endpoint->secret);
        $this->assertSame('endpoint.verification', $event->type);
        $attempt = $expe->webhookAttempts->retrieve($endpoint->handshake->attemptId);
        $this->assertSame('verification', $attempt->trigger);
    }

    public function testAPendingEndpointSaysWhyAndANewChallengeEnablesItOnceItEchoes(): void
    {
        $expe = Env::client();
        // The first challenge gets a 200 that does not echo it, the next ones are echoed.
        $receiver = $this->receiver([
            ['body' => 'ok', 'headers' => ['Content-Type' => 'text/plain']],
            ['echoChallenge' => true],
        ]);
        $endpoint = $expe->webhookEndpoints->create([
            'url' => $receiver->url . '/hooks/expe',
            'verification' => 'challenge',
        ]);
        $this->created[] = $endpoint->id;
        $this->assertSame('pending_verification', $endpoint->status);
        $this->assertFalse($endpoint->enabled);
        $this->assertSame('pending_verification', $endpoint->disabledReason);
        $this->assertSame('pending', $endpoint->handshake->status);
        $this->assertSame('challenge_mismatch', $endpoint->handshake->failure->code);
        $this->assertSame(200, $endpoint->handshake->failure->responseStatus);
        $this->assertSame('ok', $endpoint->handshake->failure->responseBody);

        $verified = $expe->webhookEndpoints->challenge($endpoint->id);
        $this->assertSame('enabled', $verified->status);
        $this->assertSame('verified', $verified->handshake->status);
        $this->assertNotSame($endpoint->handshake->attemptId, $verified->handshake->attemptId);
        $this->assertCount(2, $receiver->requests());
        $this->assertConflict('endpoint_already_verified', fn () => $expe->webhookEndpoints->challenge($endpoint->id));

        $plain = $expe->webhookEndpoints->create(['url' => $receiver->url . '/hooks/plain']);
        $this->created[] = $plain->id;
        $this->assertSame('none', $plain->verification);
        $this->assertNull($plain->handshake);
        $this->assertConflict('verification_off', fn () => $expe->webhookEndpoints->challenge($plain->id));
    }

    public function testAReceiverThatChecksSignaturesWithItsOwnSecretIsVerifiedAsTheEndpointIsCreated(): void
    {
        $expe = Env::client();
        $secret = Webhook::generateSecret();
        $this->assertMatchesRegularExpression('~^whsec_[A-Za-z0-9+/]{32}$~', $secret, '24 random bytes');
        $this->assertNotSame($secret, Webhook::generateSecret());
        $receiver = $this->receiver([['verifyWith' => $secret, 'echoChallenge' => true]]);
        $endpoint = $expe->webhookEndpoints->create([
            'url' => $receiver->url . '/hooks/expe',
            'verification' => 'challenge',
            'secret' => $secret,
        ]);
        $this->created[] = $endpoint->id;
        $this->assertSame('enabled', $endpoint->status, json_encode($endpoint->handshake));
        $this->assertSame('verified', $endpoint->handshake->status);
        $this->assertSame($secret, $endpoint->secret);

        try {
            $expe->webhookEndpoints->create(['url' => $receiver->url . '/hooks/weak', 'secret' => 'whsec_c2hvcnQ=']);
            $this->fail('A 6-byte secret was accepted.');
        } catch (InvalidRequestError $error) {
            $this->assertSame('secret', $error->getParam());
        }
    }

    private function assertConflict(string $code, callable $call): void
    {
        try {
            $call();
            $this->fail("No ConflictError $code.");
        } catch (ConflictError $error) {
            $this->assertSame($code, $error->getErrorCode());
        }
    }
}
