import type { ResponseMeta } from "./http.js";

/** A result of the API with the HTTP answer it came in. */
export type ApiResponse<T> = T & { readonly lastResponse: ResponseMeta };

/**
 * Attaches `lastResponse` without making it part of the data: it is not enumerable, so
 * `JSON.stringify(payment)` and `{...payment}` show the API's fields only.
 */
export function withResponse<T extends object>(value: T, meta: ResponseMeta): ApiResponse<T> {
  Object.defineProperty(value, "lastResponse", { value: meta, enumerable: false });
  return value as ApiResponse<T>;
}
