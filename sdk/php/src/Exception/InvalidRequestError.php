<?php

declare(strict_types=1);

namespace Expe\Exception;

/** The request is malformed or a parameter is invalid (400, `invalid_request_error`). */
class InvalidRequestError extends ExpeError
{
}
