<?php

declare(strict_types=1);

namespace Expe\Tests;

use Expe\Exception\CardError;
use Expe\Tests\Support\Env;
use Expe\Tests\Support\Factory;
use PHPUnit\Framework\TestCase;

/** A payment paid the way the hosted checkout pays it, then refunded. */
final class CheckoutTest extends TestCase
{
    public function testTheCustomerPaysByCardAndTheMerchantRefunds(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe, ['amount' => 50000]);

        $checkout = Env::checkout();
        $shown = $checkout->checkout->retrieve($payment->id, ['clientSecret' => $payment->clientSecret]);
        $this->assertSame(50000, $shown->amount);
        $this->assertSame(Env::merchantId(), $shown->merchant->id);

        $paid = Factory::pay($payment);
        $this->assertSame('succeeded', $paid->status);
        $this->assertSame('card', $paid->method);
        $this->assertSame('4242', $expe->payments->retrieve($payment->id)->card->last4);

        $partial = $expe->payments->refund($payment->id, ['amount' => 10000, 'reason' => 'one item returned']);
        $this->assertStringStartsWith('re_', $partial->id);
        $this->assertSame(10000, $partial->amount);
        $this->assertSame(10000, $partial->amountRefunded);

        $rest = $expe->payments->refund($payment->id);
        $this->assertSame(40000, $rest->amount);
        $this->assertSame(50000, $rest->amountRefunded);

        $refunds = $expe->payments->listRefunds($payment->id);
        $this->assertSame([$partial->id, $rest->id], array_map(fn ($r) => $r->id, $refunds->data));
        $this->assertSame(50000, $expe->payments->retrieve($payment->id)->amountRefunded);
    }

    public function testASecretKeyOpensTheCheckoutWithoutTheClientSecret(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        $paid = $expe->checkout->confirm($payment->id, ['method' => 'card', 'card' => Factory::card()]);
        $this->assertSame('succeeded', $paid->status);
    }

    public function testADeclinedCardFailsThePayment(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        try {
            Factory::pay($payment, Factory::CARD_DECLINED);
            $this->fail('No error raised.');
        } catch (CardError $error) {
            $this->assertSame('card_declined', $error->getErrorCode());
            $this->assertSame(402, $error->getHttpStatus());
        }
        $this->assertSame('failed', $expe->payments->retrieve($payment->id)->status);
    }

    public function testAUpiPaymentCompletesInTheSandbox(): void
    {
        $expe = Env::client();
        $payment = Factory::payment($expe);
        $opts = ['clientSecret' => $payment->clientSecret];
        $checkout = Env::checkout()->checkout;
        $this->assertSame('processing', $checkout->confirm($payment->id, ['method' => 'upi_qr'], $opts)->status);
        $this->assertSame('succeeded', $checkout->completeUpi($payment->id, 'success', $opts)->status);
    }
}
