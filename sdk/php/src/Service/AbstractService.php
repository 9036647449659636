<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ApiRequestor;
use Expe\Exception\ApiError;
use Expe\ExpeObject;
use Expe\ExpeResponse;
use Expe\Page;

/**
 * What every resource shares: calls answered by an object, by a page of a list, or by a file.
 *
 * Each call takes `$opts` last: `idempotencyKey` (POSTs get a random one otherwise), `timeout`
 * (seconds), `maxNetworkRetries`, `headers`, and `clientSecret` (sent as Expe-Client-Secret).
 */
abstract class AbstractService
{
    public function __construct(private readonly ApiRequestor $requestor)
    {
    }

    /**
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    protected function object(
        string $method,
        string $path,
        array $params = [],
        array $opts = [],
    ): ExpeObject {
        $response = $this->requestor->request($method, $path, $params, $opts);
        try {
            return ExpeObject::fromJson($response->body, $response);
        } catch (\JsonException | \UnexpectedValueException $e) {
            throw self::notAnObject($response, $e);
        }
    }

    /**
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    protected function page(string $path, array $params = [], array $opts = []): Page
    {
        $response = $this->requestor->request('GET', $path, $params, $opts);
        $fetch = fn (int $page): Page => $this->page($path, ['page' => $page] + $params, $opts);
        try {
            return Page::of($response, $fetch);
        } catch (\JsonException | \UnexpectedValueException $e) {
            throw self::notAnObject($response, $e);
        }
    }

    private static function notAnObject(ExpeResponse $response, \Throwable $cause): ApiError
    {
        return new ApiError(
            sprintf('The API answered %d with something else than a JSON object.', $response->status),
            requestId: $response->requestId(),
            httpStatus: $response->status,
            httpHeaders: $response->headers,
            httpBody: $response->body,
            previous: $cause,
        );
    }

    /**
     * @param array<string, mixed> $params
     * @param array<string, mixed> $opts
     */
    protected function raw(
        string $method,
        string $path,
        array $params = [],
        array $opts = [],
    ): ExpeResponse {
        return $this->requestor->request($method, $path, $params, $opts);
    }

    /** `/api/v1/` + the path, each `%s` an id made safe for a path segment. */
    protected static function path(string $format, string ...$ids): string
    {
        return '/api/v1/' . sprintf($format, ...array_map('rawurlencode', $ids));
    }
}
