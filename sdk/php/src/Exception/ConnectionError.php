<?php

declare(strict_types=1);

namespace Expe\Exception;

/** The API could not be reached, or did not answer in time. */
class ConnectionError extends ExpeError
{
}
