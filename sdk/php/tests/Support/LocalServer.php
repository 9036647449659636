<?php

declare(strict_types=1);

namespace Expe\Tests\Support;

/**
 * A real HTTP server on 127.0.0.1 (PHP's built-in one, in its own process) running a router
 * script: the stand-in upstream of the retry tests and the webhook receiver.
 */
final class LocalServer
{
    private const SIGTERM = 15;

    /** @var resource */
    private $process;
    public readonly string $url;

    /**
     * @param array<string, string> $env given to the router
     */
    public function __construct(string $router, array $env = [])
    {
        $port = self::freePort();
        $this->url = "http://127.0.0.1:$port";
        // Several workers, so a request the router holds up does not hold up the next one.
        $env = ['PHP_CLI_SERVER_WORKERS' => '4'] + $env + getenv();
        $this->process = proc_open(
            [PHP_BINARY, '-S', "127.0.0.1:$port", $router],
            [['file', '/dev/null', 'r'], ['file', '/dev/null', 'w'], ['file', '/dev/null', 'w']],
            $pipes,
            null,
            $env,
        );
        Wait::until(fn () => self::accepting($port) ?: null, "a server on port $port", 10);
    }

    public function stop(): void
    {
        // The workers outlive a stopped main process, so each is stopped by its own pid first.
        $pid = proc_get_status($this->process)['pid'];
        foreach (self::children($pid) as $child) {
            posix_kill($child, self::SIGTERM);
        }
        proc_terminate($this->process);
        proc_close($this->process);
    }

    /** @return list<int> */
    private static function children(int $pid): array
    {
        $children = [];
        foreach (glob('/proc/[0-9]*/stat') ?: [] as $file) {
            // "pid (command) state ppid …": the command may hold spaces, so read after its ')'.
            $stat = (string) @file_get_contents($file);
            $after = explode(' ', substr($stat, (int) strrpos($stat, ')') + 2));
            if (($after[1] ?? null) === (string) $pid) {
                $children[] = (int) basename(dirname($file));
            }
        }
        return $children;
    }

    private static function freePort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $name = stream_socket_get_name($socket, false);
        fclose($socket);
        return (int) substr($name, strrpos($name, ':') + 1);
    }

    private static function accepting(int $port): bool
    {
        $connection = @fsockopen('127.0.0.1', $port, $code, $message, 0.2);
        if ($connection === false) {
            return false;
        }
        fclose($connection);
        return true;
    }
}
