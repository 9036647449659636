<?php

declare(strict_types=1);

namespace Expe\Tests\Support;

use Expe\ExpeClient;
use Expe\ExpeObject;

/** Payments made and paid the way a merchant's server and its customer would. */
final class Factory
{
    public const CARD_OK = '4242424242424242';
    public const CARD_DECLINED = '4000000000000002';

    /** @param array<string, mixed> $params */
    public static function payment(ExpeClient $expe, array $params = []): ExpeObject
    {
        return $expe->payments->create($params + [
            'amount' => 1000,
            'currency' => 'INR',
            'orderId' => Env::orderId(),
        ]);
    }

    /** Pays on the checkout with a publishable key and the payment's client secret. */
    public static function pay(ExpeObject $payment, string $card = self::CARD_OK): ExpeObject
    {
        return Env::checkout()->checkout->confirm(
            $payment->id,
            ['method' => 'card', 'card' => self::card($card)],
            ['clientSecret' => $payment->clientSecret],
        );
    }

    /** @return array<string, mixed> */
    public static function card(string $number = self::CARD_OK): array
    {
        return ['number' => $number, 'expMonth' => 12, 'expYear' => (int) date('Y') + 3, 'cvc' => '123'];
    }
}
