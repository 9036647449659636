<?php

declare(strict_types=1);

namespace Expe;

use Expe\Exception\ConnectionError;

/**
 * Sends one request with PHP's own HTTP stream wrapper, so the SDK needs no extension beyond
 * those every PHP build has (ext-openssl for https).
 */
final class HttpClient
{
    /**
     * @param array<string, string> $headers
     *
     * @throws ConnectionError when the API cannot be reached or does not answer in time
     */
    public function send(
        string $method,
        string $url,
        array $headers,
        ?string $body,
        float $timeout,
    ): ExpeResponse {
        $lines = ['Connection: close'];
        foreach ($headers as $name => $value) {
            $lines[] = $name . ': ' . $value;
        }
        $http = [
            'method' => $method,
            'header' => $lines,
            // Applies to connecting and to every read.
            'timeout' => $timeout,
            // Error answers are read like any other: their body says what went wrong.
            'ignore_errors' => true,
            'follow_location' => 0,
            'protocol_version' => 1.1,
        ];
        if ($body !== null) {
            $http['content'] = $body;
        }
        $context = stream_context_create(['http' => $http]);

        $warning = null;
        set_error_handler(static function (int $level, string $message) use (&$warning): bool {
            $warning = $message;
            return true;
        });
        try {
            $stream = fopen($url, 'rb', false, $context);
            if ($stream === false) {
                throw new ConnectionError(self::reason($method, $url, $warning));
            }
            $content = stream_get_contents($stream);
            $meta = stream_get_meta_data($stream);
            fclose($stream);
        } finally {
            restore_error_handler();
        }
        if ($content === false || $meta['timed_out']) {
            throw new ConnectionError(
                sprintf('%s %s: the answer did not arrive within %s s.', $method, $url, $timeout)
            );
        }
        return self::response($meta['wrapper_data'] ?? [], $content, $method, $url);
    }

    private static function reason(string $method, string $url, ?string $warning): string
    {
        // The wrapper's warning reads "fopen(url): Failed to open stream: <why>".
        $why = $warning === null
            ? 'no answer'
            : preg_replace('/^.*?: Failed to open stream: /i', '', $warning);
        return sprintf('%s %s failed: %s', $method, $url, $why);
    }

    /**
     * @param list<string> $lines the status line, then the headers
     */
    private static function response(
        array $lines,
        string $body,
        string $method,
        string $url,
    ): ExpeResponse {
        $status = null;
        $headers = [];
        foreach ($lines as $line) {
            if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $match) === 1) {
                // A new status line starts a new answer (after a `100 Continue`, say).
                $status = (int) $match[1];
                $headers = [];
                continue;
            }
            $colon = strpos($line, ':');
            if ($colon === false) {
                continue;
            }
            $name = strtolower(trim(substr($line, 0, $colon)));
            $value = trim(substr($line, $colon + 1));
            $headers[$name] = isset($headers[$name]) ? $headers[$name] . ', ' . $value : $value;
        }
        if ($status === null) {
            throw new ConnectionError(sprintf('%s %s: the answer was not HTTP.', $method, $url));
        }
        return new ExpeResponse($status, $headers, $body);
    }
}
