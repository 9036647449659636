<?php

declare(strict_types=1);

namespace Expe\Exception;

/** The request conflicts with the current state of a resource (409). */
class ConflictError extends ExpeError
{
}
