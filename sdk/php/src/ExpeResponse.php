<?php

declare(strict_types=1);

namespace Expe;

/** One HTTP answer of the API, as received. */
final class ExpeResponse
{
    /**
     * @param array<string, string> $headers names in lower case
     */
    public function __construct(
        public readonly int $status,
        public readonly array $headers,
        public readonly string $body,
    ) {
    }

    public function header(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }

    /** The id the gateway gave the request (`X-Request-ID`), to quote when asking for help. */
    public function requestId(): ?string
    {
        return $this->header('x-request-id');
    }

    /** The decoded JSON body; null when empty or not JSON. */
    public function json(): mixed
    {
        if ($this->body === '') {
            return null;
        }
        try {
            return json_decode($this->body, true, 512, JSON_THROW_ON_ERROR);
        } catch (\JsonException) {
            return null;
        }
    }
}
