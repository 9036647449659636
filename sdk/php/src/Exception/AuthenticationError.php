<?php

declare(strict_types=1);

namespace Expe\Exception;

/** No valid API key came with the request (401). */
class AuthenticationError extends ExpeError
{
}
