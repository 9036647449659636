<?php

declare(strict_types=1);

namespace Expe;

/**
 * A resource as the API answered it, fields named as in the API (camelCase): read them as
 * properties (`$payment->clientSecret`) or as array keys (`$payment['clientSecret']`). Nested
 * objects are ExpeObjects too; `toArray()` gives the plain arrays back.
 *
 * @implements \ArrayAccess<string, mixed>
 */
class ExpeObject implements \ArrayAccess, \JsonSerializable
{
    /** The HTTP answer this object came from (its request id, status and headers). */
    public ?ExpeResponse $lastResponse = null;

    /**
     * @param array<string, mixed> $values
     */
    final public function __construct(private array $values = [])
    {
    }

    /**
     * @param array<string, mixed> $values decoded JSON
     */
    public static function from(array $values, ?ExpeResponse $response = null): static
    {
        $object = new static(array_map(self::wrap(...), $values));
        $object->lastResponse = $response;
        return $object;
    }

    /**
     * A JSON object's fields; `{}` stays an object and `[]` a list (decoding to arrays would
     * make both an empty array).
     *
     * @throws \JsonException|\UnexpectedValueException when it is not a JSON object
     */
    public static function fromJson(string $json, ?ExpeResponse $response = null): static
    {
        $decoded = $json === ''
            ? new \stdClass()
            : json_decode($json, false, 512, JSON_THROW_ON_ERROR);
        if (!$decoded instanceof \stdClass) {
            throw new \UnexpectedValueException('The answer is not a JSON object.');
        }
        return static::from(get_object_vars($decoded), $response);
    }

    private static function wrap(mixed $value): mixed
    {
        if ($value instanceof \stdClass) {
            return ExpeObject::from(get_object_vars($value));
        }
        if (!is_array($value)) {
            return $value;
        }
        if (array_is_list($value)) {
            return array_map(self::wrap(...), $value);
        }
        return ExpeObject::from($value);
    }

    public function __get(string $name): mixed
    {
        return $this->values[$name] ?? null;
    }

    public function __isset(string $name): bool
    {
        return isset($this->values[$name]);
    }

    public function offsetExists(mixed $offset): bool
    {
        return array_key_exists($offset, $this->values);
    }

    public function offsetGet(mixed $offset): mixed
    {
        return $this->values[$offset] ?? null;
    }

    public function offsetSet(mixed $offset, mixed $value): void
    {
        throw self::readOnly();
    }

    public function offsetUnset(mixed $offset): void
    {
        throw self::readOnly();
    }

    private static function readOnly(): \LogicException
    {
        return new \LogicException('An API answer is read-only; change it through its resource.');
    }

    /** @return list<string> */
    public function keys(): array
    {
        return array_keys($this->values);
    }

    /** @return array<string, mixed> */
    public function toArray(): array
    {
        return array_map(self::unwrap(...), $this->values);
    }

    private static function unwrap(mixed $value): mixed
    {
        if ($value instanceof ExpeObject) {
            return $value->toArray();
        }
        return is_array($value) ? array_map(self::unwrap(...), $value) : $value;
    }

    /** @return array<string, mixed> */
    public function jsonSerialize(): array
    {
        return $this->toArray();
    }
}
