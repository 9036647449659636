<?php

declare(strict_types=1);

namespace Expe;

/**
 * What a call's parameters become on the wire: times as ISO 8601 in UTC, booleans as
 * `true`/`false` in a query, lists as a repeated query parameter (`status=a&status=b`).
 *
 * @internal
 */
final class Params
{
    /**
     * @param array<string, mixed> $params
     * @return array<string, mixed>
     */
    public static function plain(array $params): array
    {
        return array_map(self::value(...), $params);
    }

    private static function value(mixed $value): mixed
    {
        if ($value instanceof \DateTimeInterface) {
            return \DateTimeImmutable::createFromInterface($value)
                ->setTimezone(new \DateTimeZone('UTC'))
                ->format('Y-m-d\TH:i:s.v\Z');
        }
        if ($value instanceof ExpeObject) {
            return $value->toArray();
        }
        return is_array($value) ? array_map(self::value(...), $value) : $value;
    }

    /** @param array<string, mixed> $params */
    public static function query(array $params): string
    {
        $pairs = [];
        foreach (self::plain($params) as $name => $value) {
            foreach (is_array($value) ? $value : [$value] as $item) {
                if ($item === null) {
                    continue;
                }
                if (is_bool($item)) {
                    $item = $item ? 'true' : 'false';
                }
                $pairs[] = rawurlencode((string) $name) . '=' . rawurlencode((string) $item);
            }
        }
        return implode('&', $pairs);
    }
}
