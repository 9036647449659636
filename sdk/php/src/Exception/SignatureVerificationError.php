<?php

declare(strict_types=1);

namespace Expe\Exception;

/** A webhook whose signature, timestamp or headers do not verify. */
class SignatureVerificationError extends ExpeError
{
}
