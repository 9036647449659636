<?php

declare(strict_types=1);

namespace Expe\Tests\Support;

/** Waits for a condition, not for a time. */
final class Wait
{
    /**
     * Calls `$probe` until it answers something other than null, and answers that.
     *
     * @template T
     * @param callable(): (T|null) $probe
     * @return T
     */
    public static function until(callable $probe, string $what, float $timeout = 20.0): mixed
    {
        $deadline = microtime(true) + $timeout;
        while (true) {
            $found = $probe();
            if ($found !== null) {
                return $found;
            }
            if (microtime(true) > $deadline) {
                throw new \RuntimeException("Waited {$timeout} s for $what.");
            }
            usleep(100_000);
        }
    }
}
