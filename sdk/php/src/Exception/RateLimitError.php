<?php

declare(strict_types=1);

namespace Expe\Exception;

/** Too many requests; the `Retry-After` header says when to try again (429). */
class RateLimitError extends ExpeError
{
}
