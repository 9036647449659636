<?php

declare(strict_types=1);

namespace Expe\Exception;

/**
 * The Idempotency-Key came with another request before, or its first request is still
 * running (409, `idempotency_key_reused` / `idempotency_key_in_use`).
 */
class IdempotencyError extends ConflictError
{
}
