<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\ApiError;
use Expe\Exception\AuthenticationError;
use Expe\Exception\CardError;
use Expe\Exception\ConflictError;
use Expe\Exception\ExpeError;
use Expe\Exception\InvalidRequestError;
use Expe\Exception\NotFoundError;
use Expe\Exception\PaymentError;
use Expe\Exception\PermissionError;
use Expe\Exception\RateLimitError;
use Expe\ExpeClient;
use Expe\Tests\Support\Env;
use Expe\Tests\Support\Factory;
use Expe\Tests\Support\ScriptedServer;
use PHPUnit\Framework\TestCase;

/** Each error class, from the answers the stack really gives. */
final class ErrorsTest extends TestCase
{
    /**
     * @template T of ExpeError
     * @param class-string<T> $class
     * @return T
     */
    private function raised(string $class, callable $call): ExpeError
    {
        try {
            $call();
        } catch (ExpeError $error) {
            $this->assertInstanceOf($class, $error, $error->getMessage());
            return $error;
        }
        $this->fail("No $class raised.");
    }

    public function testAnInvalidParameterNamesTheParameter(): void
    {
        $expe = Env::client();
        $error = $this->raised(InvalidRequestError::class, fn () => $expe->payments->create([
            'amount' => -5, 'currency' => 'INR', 'orderId' => Env::orderId(),
        ]));
        $this->assertSame(400, $error->getHttpStatus());
        $this->assertSame('invalid_request_error', $error->getType());
        $this->assertSame('parameter_invalid', $error->getErrorCode());
        $this->assertSame('amount', $error->getParam());
        $this->assertStringStartsWith('amount:', $error->getMessage());
        // The request id is the body's, which is also the X-Request-ID header.
        $this->assertMatchesRegularExpression('/^req_/', $error->getRequestId());
        $this->assertSame($error->getRequestId(), $error->getHttpHeaders()['x-request-id']);
        $this->assertSame('amount', json_decode($error->getHttpBody(), true)['error']['param']);
    }

    public function testAnUnknownPaymentIsNotFound(): void
    {
        $expe = Env::client();
        $error = $this->raised(NotFoundError::class, fn () => $expe->payments->retrieve('pay_doesnotexist'));
        $this->assertInstanceOf(InvalidRequestError::class, $error);
        $this->assertSame(404, $error->getHttpStatus());
        $this->assertSame('payment_not_found', $error->getErrorCode());
    }

    public function testCancelingAPaidPaymentIsAConflict(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        Factory::pay($payment);
        $error = $this->raised(ConflictError::class, fn () => $expe->payments->cancel($payment->id));
        $this->assertSame(409, $error->getHttpStatus());
        $this->assertSame('payment_state_conflict', $error->getErrorCode());
    }

    public function testAWrongKeyIsAnAuthenticationError(): void
    {
        $expe = new ExpeClient('sk_test_thisisnotakeyatall');
        $error = $this->raised(AuthenticationError::class, fn () => $expe->payments->list());
        $this->assertSame(401, $error->getHttpStatus());
        $this->assertSame('api_key_invalid', $error->getErrorCode());
    }

    public function testAPublishableKeyOutsideTheCheckoutIsAPermissionError(): void
    {
        $error = $this->raised(PermissionError::class, fn () => Env::checkout()->payments->list());
        $this->assertSame(403, $error->getHttpStatus());
        $this->assertSame('publishable_key_not_allowed', $error->getErrorCode());
    }

    public function testADeclinedCardIsACardError(): void
    {
        $payment = Factory::payment(Env::client());
        $error = $this->raised(CardError::class, fn () => Factory::pay($payment, '4000000000009995'));
        $this->assertSame('insufficient_funds', $error->getErrorCode());
        $this->assertSame('card_error', $error->getType());
    }

    public function testAWalletWithoutTheFundsIsAPaymentError(): void
    {
        $expe = Env::client();
        $wallet = $expe->wallets->create(['currency' => 'INR']);
        $error = $this->raised(PaymentError::class, fn () => $expe->transfers->create([
            'fromWalletId' => $wallet->id,
            'to' => ['email' => Env::get('EXPE_RECIPIENT_EMAIL')],
            'amount' => $wallet->available + 1,
            'currency' => 'INR',
        ]));
        $this->assertSame(402, $error->getHttpStatus());
        $this->assertSame('insufficient_funds', $error->getErrorCode());

        $declined = $this->raised(PaymentError::class, fn () => $expe->topups->create([
            'walletId' => $wallet->id, 'amount' => 10099, 'source' => ['type' => 'bank'],
        ]));
        $this->assertSame('topup_declined', $declined->getErrorCode());
    }

    public function testTooManyRequestsIsARateLimitErrorOnceRetriesAreSpent(): void
    {
        $expe = Env::client(['maxNetworkRetries' => 0]);
        $error = $this->raised(RateLimitError::class, function () use ($expe): void {
            // The test-mode limit is 25 a second: a few dozen calls in a row cross it.
            for ($i = 0; $i < 500; $i++) {
                $expe->payments->list(['limit' => 1]);
            }
        });
        $this->assertSame(429, $error->getHttpStatus());
        $this->assertGreaterThan(0, (int) $error->getHttpHeaders()['retry-after']);

        // With its retries the client waits as told and gets through.
        $this->assertSame(200, Env::client()->payments->list(['limit' => 1])->lastResponse->status);
    }

    public function testAServerErrorIsAnApiError(): void
    {
        // The stack answers 5xx only when a part of it is down, which a test cannot cause
        // here: a stand-in answers as the gateway does when a service is unreachable.
        $upstream = new ScriptedServer([[
            'status' => 503,
            'headers' => ['Content-Type' => 'application/json', 'X-Request-ID' => 'req_standin'],
            'body' => json_encode(['error' => [
                'type' => 'api_error', 'code' => 'service_unavailable',
                'message' => 'The payments service cannot be reached.', 'param' => null,
            ]]),
        ]]);
        try {
            $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $upstream->url, 'maxNetworkRetries' => 0]);
            $error = $this->raised(ApiError::class, fn () => $expe->payments->list());
            $this->assertSame('service_unavailable', $error->getErrorCode());
            $this->assertSame('req_standin', $error->getRequestId());
        } finally {
            $upstream->stop();
        }
    }

    public function testAnUnknownTypeIsReadByItsStatus(): void
    {
        $upstream = new ScriptedServer([
            ['status' => 404, 'body' => '{"error":{"type":"future_error","code":"gone","message":"Gone."}}'],
            ['status' => 502, 'body' => 'Bad Gateway'],
        ]);
        try {
            $expe = new ExpeClient('sk_test_abc', ['baseUrl' => $upstream->url, 'maxNetworkRetries' => 0]);
            $this->raised(NotFoundError::class, fn () => $expe->payments->retrieve('pay_1'));
            $error = $this->raised(ApiError::class, fn () => $expe->payments->retrieve('pay_1'));
            $this->assertSame('Bad Gateway', $error->getHttpBody());
            $this->assertNull($error->getErrorCode());
        } finally {
            $upstream->stop();
        }
    }
}
