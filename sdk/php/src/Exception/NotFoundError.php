<?php

declare(strict_types=1);

namespace Expe\Exception;

/** No such resource for this key and mode (404). */
class NotFoundError extends InvalidRequestError
{
}
