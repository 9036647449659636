<?php

declare(strict_types=1);

namespace Expe\Service;

use Expe\ExpeObject;

/** The caller's rate limit buckets and what is left of them (asking costs nothing). */
final class RateLimits extends AbstractService
{
    /** @param array<string, mixed> $opts */
    public function retrieve(array $opts = []): ExpeObject
    {
        return $this->object('GET', self::path('rate-limits'), [], $opts);
    }
}
