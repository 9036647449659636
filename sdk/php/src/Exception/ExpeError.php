<?php

declare(strict_types=1);

namespace Expe\Exception;

/**
 * Base of every error the SDK raises: an error answer of the API, a network failure, or a
 * webhook whose signature does not verify.
 *
 * PHP's own `getCode()` is an integer, so the API's error code is `getErrorCode()`.
 */
class ExpeError extends \Exception
{
    /**
     * @param array<string, string> $httpHeaders names in lower case
     */
    public function __construct(
        string $message,
        private readonly ?string $type = null,
        private readonly ?string $errorCode = null,
        private readonly ?string $param = null,
        private readonly ?string $requestId = null,
        private readonly ?int $httpStatus = null,
        private readonly array $httpHeaders = [],
        private readonly ?string $httpBody = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, 0, $previous);
    }

    /** The error's type, e.g. `invalid_request_error` or `card_error`. */
    public function getType(): ?string
    {
        return $this->type;
    }

    /** The API's error code, e.g. `parameter_invalid` or `card_declined`. */
    public function getErrorCode(): ?string
    {
        return $this->errorCode;
    }

    /** The parameter at fault, e.g. `amount` or `card.number`. */
    public function getParam(): ?string
    {
        return $this->param;
    }

    /** The request id to quote when asking for help (`req_…`). */
    public function getRequestId(): ?string
    {
        return $this->requestId;
    }

    public function getHttpStatus(): ?int
    {
        return $this->httpStatus;
    }

    /** @return array<string, string> */
    public function getHttpHeaders(): array
    {
        return $this->httpHeaders;
    }

    /** The answer's body exactly as received. */
    public function getHttpBody(): ?string
    {
        return $this->httpBody;
    }
}
