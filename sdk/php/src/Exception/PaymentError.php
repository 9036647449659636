<?php

declare(strict_types=1);

namespace Expe\Exception;

/**
 * A payment by other means was declined: a wallet without the funds, a refused top-up
 * (402, `payment_error`).
 */
class PaymentError extends ExpeError
{
}
