<?php

declare(strict_types=1);

namespace Expe\Exception;

/**
 * The key is valid but may not do this, e.g. a publishable key outside the checkout
 * (403, `permission_error`).
 */
class PermissionError extends ExpeError
{
}
