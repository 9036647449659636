<?php

declare(strict_types=1);

namespace Expe\Exception;

/** The API failed or could not reach one of its services (5xx, `api_error`). */
class ApiError extends ExpeError
{
}
