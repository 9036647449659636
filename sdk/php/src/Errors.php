<?php

declare(strict_types=1);

namespace Expe;

use Expe\Exception\ApiError;
use Expe\Exception\AuthenticationError;
use Expe\Exception\CardError;
use Expe\Exception\ConflictError;
use Expe\Exception\ExpeError;
use Expe\Exception\IdempotencyError;
use Expe\Exception\InvalidRequestError;
use Expe\Exception\NotFoundError;
use Expe\Exception\PaymentError;
use Expe\Exception\PermissionError;
use Expe\Exception\RateLimitError;

/** Turns an error answer into the error class its type, or else its status, stands for. */
final class Errors
{
    /** Types that name their class whatever the status. */
    private const BY_TYPE = [
        'card_error' => CardError::class,
        'payment_error' => PaymentError::class,
        'authentication_error' => AuthenticationError::class,
        'permission_error' => PermissionError::class,
        'rate_limit_error' => RateLimitError::class,
        'idempotency_error' => IdempotencyError::class,
        'api_error' => ApiError::class,
    ];

    public static function fromResponse(ExpeResponse $response): ExpeError
    {
        $body = $response->json();
        $error = is_array($body) && is_array($body['error'] ?? null) ? $body['error'] : [];
        $type = self::text($error['type'] ?? null);
        $code = self::text($error['code'] ?? null);
        $class = self::classFor($type, $code, $response->status);
        return new $class(
            self::text($error['message'] ?? null)
                ?? sprintf('The API answered %d without an error body.', $response->status),
            type: $type,
            errorCode: $code,
            param: self::text($error['param'] ?? null),
            requestId: self::text($error['requestId'] ?? null) ?? $response->requestId(),
            httpStatus: $response->status,
            httpHeaders: $response->headers,
            httpBody: $response->body,
        );
    }

    /** @return class-string<ExpeError> */
    private static function classFor(?string $type, ?string $code, int $status): string
    {
        if ($type !== null && isset(self::BY_TYPE[$type])) {
            return self::BY_TYPE[$type];
        }
        // `invalid_request_error` is every other error's type, and an unknown type is read the
        // same way: the status tells them apart.
        return match (true) {
            $status === 401 => AuthenticationError::class,
            $status === 402 => PaymentError::class,
            $status === 403 => PermissionError::class,
            $status === 404 => NotFoundError::class,
            $status === 409 => str_starts_with($code ?? '', 'idempotency_key_')
                ? IdempotencyError::class
                : ConflictError::class,
            $status === 429 => RateLimitError::class,
            $status >= 500 => ApiError::class,
            $status >= 400 => InvalidRequestError::class,
            default => ExpeError::class,
        };
    }

    private static function text(mixed $value): ?string
    {
        return is_string($value) ? $value : null;
    }
}
