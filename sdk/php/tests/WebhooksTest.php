<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\SignatureVerificationError;
use Expe\ExpeObject;
use Expe\Tests\Support\Env;
use Expe\Tests\Support\Factory;
use Expe\Tests\Support\ScriptedServer;
use Expe\Tests\Support\Wait;
use Expe\Webhook;
use PHPUnit\Framework\TestCase;

/** Webhooks the stack really sends, to a receiver on this machine, verified with the SDK. */
final class WebhooksTest extends TestCase
{
    private ScriptedServer $receiver;
    private ExpeObject $endpoint;

    protected function setUp(): void
    {
        $this->receiver = new ScriptedServer([['status' => 204, 'body' => '']]);
        $this->endpoint = Env::client()->webhookEndpoints->create([
            'url' => $this->receiver->url . '/hooks/expe',
            'enabledEvents' => ['payment.*', 'refund.issued'],
        ]);
    }

    protected function tearDown(): void
    {
        $this->receiver->stop();
        if (isset($this->endpoint)) {
            Env::client()->webhookEndpoints->delete($this->endpoint->id);
        }
    }

    /** @return array{method: string, path: string, headers: array<string, string>, body: string, at: float} */
    private function delivery(callable $matches, string $what): array
    {
        return Wait::until(function () use ($matches) {
            foreach ($this->receiver->requests() as $request) {
                if ($matches(json_decode($request['body'], true), $request)) {
                    return $request;
                }
            }
            return null;
        }, $what);
    }

    /** @return array{method: string, path: string, headers: array<string, string>, body: string, at: float} */
    private function completed(string $paymentId): array
    {
        return $this->delivery(
            fn (array $event) => $event['type'] === 'payment.completed' && $event['data']['paymentId'] === $paymentId,
            "payment.completed of $paymentId",
        );
    }

    public function testAPaymentsEventVerifiesWithTheEndpointsSecret(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        Factory::pay($payment);
        $delivery = $this->completed($payment->id);
        $secret = $this->endpoint->secret;

        $event = Webhook::verify($delivery['body'], $delivery['headers'], $secret);
        $this->assertSame('payment.completed', $event->type);
        $this->assertSame($payment->id, $event->data->paymentId);
        $this->assertSame(1000, $event->data->amount);
        $this->assertSame('/hooks/expe', $delivery['path']);
        // The SDK signs exactly as the webhooks service does.
        $headers = $delivery['headers'];
        $this->assertSame(
            $headers['webhook-signature'],
            Webhook::sign($secret, $headers['webhook-id'], (int) $headers['webhook-timestamp'], $delivery['body']),
        );
        // Headers as PHP's $_SERVER names them.
        $server = [
            'HTTP_WEBHOOK_ID' => $headers['webhook-id'],
            'HTTP_WEBHOOK_TIMESTAMP' => $headers['webhook-timestamp'],
            'HTTP_WEBHOOK_SIGNATURE' => $headers['webhook-signature'],
        ];
        $this->assertSame($event->id, Webhook::verify($delivery['body'], $server, $secret)->id);

        $checked = $expe->webhooks->verify(['body' => $delivery['body'], 'headers' => $headers, 'secret' => $secret]);
        $this->assertTrue($checked->valid);
    }

    public function testATamperedBodyAWrongSecretAndAStaleOrFutureTimestampAreRefused(): void
    {
        $payment = Factory::payment(Env::client());
        Factory::pay($payment);
        $delivery = $this->completed($payment->id);
        $secret = $this->endpoint->secret;
        $body = $delivery['body'];
        $headers = $delivery['headers'];
        $refused = function (string $body, array $headers, string $secret, string $why): void {
            try {
                Webhook::verify($body, $headers, $secret);
                $this->fail("Accepted: $why.");
            } catch (SignatureVerificationError $error) {
                $this->assertStringContainsString($why, $error->getMessage());
            }
        };

        $tampered = str_replace('"amount":1000', '"amount":1', $body);
        $this->assertNotSame($body, $tampered);
        $refused($tampered, $headers, $secret, 'No signature matches');
        $refused($body, $headers, 'whsec_' . base64_encode(random_bytes(24)), 'No signature matches');

        $signedAt = fn (int $at): array => [
            'webhook-timestamp' => (string) $at,
            'webhook-signature' => Webhook::sign($secret, $headers['webhook-id'], $at, $body),
        ] + $headers;
        $refused($body, $signedAt(time() - 600), $secret, 'old');
        $refused($body, $signedAt(time() + 600), $secret, 'in the future');
        $this->assertSame('payment.completed', Webhook::verify($body, $signedAt(time() - 600), $secret, 900)->type);

        $withoutId = $headers;
        unset($withoutId['webhook-id']);
        $refused($body, $withoutId, $secret, 'webhook-id header is missing');

        $checked = Env::client()->webhooks->verify(['body' => $tampered, 'headers' => $headers, 'secret' => $secret]);
        $this->assertFalse($checked->valid);
        $this->assertSame('signature_mismatch', $checked->reason);
    }

    public function testARotatedSecretSignsBesideThePreviousOne(): void
    {
        $expe = Env::client();
        $rotated = $expe->webhookEndpoints->rotateSecret($this->endpoint->id);
        $message = $expe->webhookEndpoints->sendTest($this->endpoint->id, ['eventType' => 'payment.completed']);
        $this->assertSame('test', $message->trigger);

        $delivery = $this->delivery(fn (array $event, array $request) => $request['headers']['webhook-id'] === $message->id, 'the test event');
        $this->assertCount(2, explode(' ', $delivery['headers']['webhook-signature']));
        $withNew = Webhook::verify($delivery['body'], $delivery['headers'], $rotated->secret);
        $withOld = Webhook::verify($delivery['body'], $delivery['headers'], $this->endpoint->secret);
        $this->assertTrue($withNew->data->test);
        $this->assertSame($withNew->toArray(), $withOld->toArray());
    }

    public function testTheMessagesAndAttemptsOfAPaymentAndARetry(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        Factory::pay($payment);
        $first = $this->completed($payment->id);

        $messages = $expe->webhookMessages->list(['endpointId' => $this->endpoint->id, 'paymentId' => $payment->id]);
        $types = array_map(fn ($m) => $m->eventType, $messages->data);
        $this->assertContains('payment.completed', $types);
        $message = $messages->data[array_search('payment.completed', $types, true)];
        $this->assertSame($first['headers']['webhook-id'], $message->id);

        $attempts = $expe->webhookAttempts->list(['messageId' => $message->id]);
        $attempt = $attempts->data[0];
        $this->assertSame('succeeded', $attempt->status);
        $this->assertSame(204, $attempt->responseStatus);
        $detail = $expe->webhookAttempts->retrieve($attempt->id);
        $this->assertSame($attempt->id, $detail->id);
        $this->assertNotNull($detail->request);

        $retried = $expe->webhookAttempts->retry($attempt->id);
        $this->assertNotSame($attempt->id, $retried->id);
        $this->assertSame('manual', $retried->trigger);
        $count = fn () => count(array_filter(
            $this->receiver->requests(),
            fn ($r) => $r['headers']['webhook-id'] === $message->id,
        ));
        Wait::until(fn () => $count() >= 2 ?: null, 'the retried delivery');

        $ofPayment = $expe->payments->webhooks($payment->id);
        $this->assertSame($payment->id, $ofPayment->paymentId);
        $completed = array_values(array_filter($ofPayment->data, fn ($m) => $m->id === $message->id));
        $this->assertGreaterThanOrEqual(2, count($completed[0]->attempts));
    }

    public function testPingsAndReplaysTheEndpoint(): void
    {
        $expe = Env::client();
        $ping = $expe->webhookEndpoints->ping($this->endpoint->id);
        $this->assertTrue($ping->ok);
        $this->assertSame(204, $ping->status);
        $this->assertStringStartsWith('wa_', $ping->attemptId);

        $payment = Factory::payment($expe);
        $this->delivery(
            fn (array $event) => $event['type'] === 'payment.created' && $event['data']['paymentId'] === $payment->id,
            'payment.created',
        );
        $replay = $expe->webhookEndpoints->replay($this->endpoint->id, ['since' => new \DateTimeImmutable('-1 minute')]);
        $this->assertSame(202, $replay->lastResponse->status);
        $this->assertGreaterThanOrEqual(1, $replay->queued);
    }
}
