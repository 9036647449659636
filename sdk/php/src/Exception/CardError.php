<?php

declare(strict_types=1);

namespace Expe\Exception;

/** The card was declined (402, `card_error`); the payment is now failed. */
class CardError extends ExpeError
{
}
