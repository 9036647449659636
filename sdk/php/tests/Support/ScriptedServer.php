<?php

declare(strict_types=1);

namespace Expe\Tests\Support;

/**
 * A local HTTP server that answers as its script says (one answer per request, the last one
 * repeated) and records every request it gets: headers, raw body and when it arrived. An answer
 * with `echoChallenge` echoes the handshake's challenge of the event it got; with `verifyWith`
 * (a secret) it first checks the signature, as a real receiver does, and answers 400 otherwise.
 */
final class ScriptedServer
{
    private LocalServer $server;
    private string $dir;
    public readonly string $url;

    /**
     * @param list<array{status?: int, headers?: array<string, string>, body?: string,
     *     delay?: float, echoChallenge?: bool, verifyWith?: string}> $answers
     */
    public function __construct(array $answers)
    {
        $this->dir = sys_get_temp_dir() . '/expe-php-' . bin2hex(random_bytes(6));
        mkdir($this->dir);
        file_put_contents($this->dir . '/script.json', json_encode($answers, JSON_THROW_ON_ERROR));
        $router = __DIR__ . '/scripted-router.php';
        $this->server = new LocalServer($router, ['SCRIPT_DIR' => $this->dir]);
        $this->url = $this->server->url;
    }

    /**
     * @return list<array{method: string, path: string, headers: array<string, string>,
     *     body: string, at: float}>
     */
    public function requests(): array
    {
        $file = $this->dir . '/requests.jsonl';
        if (!is_file($file)) {
            return [];
        }
        $lines = array_filter(explode("\n", (string) file_get_contents($file)));
        return array_values(array_map(
            static fn (string $line): array => json_decode($line, true, 512, JSON_THROW_ON_ERROR),
            $lines,
        ));
    }

    public function stop(): void
    {
        $this->server->stop();
        array_map('unlink', glob($this->dir . '/*') ?: []);
        rmdir($this->dir);
    }
}
