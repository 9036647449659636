import { useRef } from "react";
import { ApiError, NetworkError, newIdempotencyKey } from "./client";

/**
 * Whether a failed request may still have run, so that sending it again must carry the same key:
 * no answer came, the server failed (a 5xx releases the key), the first request with the key is
 * still running, or the gateway refused it before it ran.
 */
export function mayRetryWithSameKey(error: unknown): boolean {
  if (error instanceof NetworkError) return true;
  if (!(error instanceof ApiError)) return false;
  return error.status >= 500 || error.status === 429 || error.code === "idempotency_key_in_use";
}

/**
 * One Idempotency-Key per attempt of a request. `keyFor` gives the held key while the same request
 * is retried after an outcome left unknown, and a new one when the request changed or the last
 * attempt was answered: the server replays an answer (a 409 too) for the key it was given, so a new
 * attempt needs a new key.
 */
export function useIdempotencyKey() {
  const held = useRef<{ key: string; request: string } | null>(null);
  return {
    keyFor(request: unknown): string {
      const text = JSON.stringify(request);
      if (held.current?.request !== text)
        held.current = { key: newIdempotencyKey(), request: text };
      return held.current.key;
    },
    /** After an attempt: `error` is what it threw, nothing when it succeeded. */
    settle(error?: unknown): void {
      if (!mayRetryWithSameKey(error)) held.current = null;
    },
  };
}
