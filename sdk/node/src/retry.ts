/**
 * When to try a request again and how long to wait first: exponential backoff with full jitter,
 * so clients failing together do not come back together, unless the API said when with
 * `Retry-After`.
 */

import { ConnectionError, type ExpeError, retryAfterSeconds } from "./errors.js";

const BASE_DELAY_SECONDS = 0.5;
const MAX_BACKOFF_SECONDS = 8;
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Whether the failure is transient. A retried POST carries the same `Idempotency-Key`, so the
 * API runs it at most once: a 5xx releases the key, and `idempotency_key_in_use` means the first
 * try is still running.
 */
export function isRetryable(error: ExpeError): boolean {
  if (error instanceof ConnectionError) return true;
  const status = error.statusCode ?? 0;
  if (status === 409) return error.code === "idempotency_key_in_use";
  return status === 429 || status >= 500;
}

/** Milliseconds to wait before retry number `retry` (0 for the first retry). */
export function retryDelayMs(
  error: ExpeError,
  retry: number,
  random: () => number = Math.random,
): number {
  const retryAfter = retryAfterSeconds(error.headers);
  if (retryAfter !== null) return Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS) * 1000;
  const ceiling = Math.min(MAX_BACKOFF_SECONDS, BASE_DELAY_SECONDS * 2 ** retry);
  return random() * ceiling * 1000;
}
