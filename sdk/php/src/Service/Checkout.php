<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;

/**
 * What the hosted checkout does for the customer: open a payment and pay it. With a publishable
 * key, pass the payment's client secret in `$opts['clientSecret']`; a secret key needs none.
 */
final class Checkout extends AbstractService
{
    /**
     * What the checkout page shows: the merchant's name, amount, order, methods.
     *
     * @param array<string, mixed> $opts
     */
    public function retrieve(string $id, array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('checkout/payments/%s', $id), [], $opts);
    }

    /**
     * Pays: `['method' => 'card', 'card' => [number, expMonth, expYear, cvc]]` completes at once
     * in test mode (a declined card raises CardError); `upi_qr` starts processing.
     *
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    public function confirm(string $id, array $params, array $opts = []): ExpeObject
    {
        $path = self::path('checkout/payments/%s/confirm', $id);
        return $this->object('POST', $path, $params, $opts);
    }

    /**
     * Test mode: the customer's UPI app reports `success` or `failure`.
     *
     * @param array<string, mixed> $opts
     */
    public function completeUpi(string $id, string $outcome, array $opts = []): ExpeObject
    {
        $path = self::path('checkout/payments/%s/sandbox/upi-complete', $id);
        return $this->object('POST', $path, ['outcome' => $outcome], $opts);
    }
}
