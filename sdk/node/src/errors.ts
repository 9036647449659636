/**
 * The errors the client throws. An API error carries what the API said (type, code, message,
 * param, request id) and the HTTP answer it came in (status, headers, raw body); its class is
 * chosen by the error's `type` first and the HTTP status next, so a type this version does not
 * know still lands on a class that fits its status.
 */

export interface ErrorDetails {
  message: string;
  type?: string | null;
  code?: string | null;
  param?: string | null;
  requestId?: string | null;
  statusCode?: number | null;
  headers?: Readonly<Record<string, string>>;
  rawBody?: string | null;
  cause?: unknown;
}

/** The base of every error this client throws. */
export class ExpeError extends Error {
  /** The API's error type, e.g. `invalid_request_error`, `card_error`. */
  readonly type: string | null;
  /** A stable machine-readable reason, e.g. `payment_not_found`, `card_declined`. */
  readonly code: string | null;
  /** The request field the error is about, when there is one. */
  readonly param: string | null;
  /** Quote it when asking for help: it finds the request in Expe's logs. */
  readonly requestId: string | null;
  readonly statusCode: number | null;
  readonly headers: Readonly<Record<string, string>>;
  /** The response body exactly as received. */
  readonly rawBody: string | null;

  constructor(details: ErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.type = details.type ?? null;
    this.code = details.code ?? null;
    this.param = details.param ?? null;
    this.requestId = details.requestId ?? null;
    this.statusCode = details.statusCode ?? null;
    this.headers = details.headers ?? {};
    this.rawBody = details.rawBody ?? null;
  }
}

/** The request is malformed or a parameter is invalid (400, `invalid_request_error`). */
export class InvalidRequestError extends ExpeError {}

/** Nothing with this id exists for the caller (404). */
export class NotFoundError extends InvalidRequestError {}

/** The request conflicts with the current state of a resource (409). */
export class ConflictError extends InvalidRequestError {}

/**
 * An `Idempotency-Key` was reused with another request (`idempotency_key_reused`), or its first
 * request is still running (`idempotency_key_in_use`, which the client retries by itself).
 */
export class IdempotencyError extends ConflictError {}

/** The API key is missing, malformed, revoked or unknown (401). */
export class AuthenticationError extends ExpeError {}

/** The key is valid but may not do this, e.g. a publishable key outside the checkout (403). */
export class PermissionError extends ExpeError {}

/** The card was declined; the payment is now `failed` (402, `card_error`). */
export class CardError extends ExpeError {}

/** A payment by other means than a card was declined: a wallet or UPI (402, `payment_error`). */
export class PaymentError extends ExpeError {}

/** Too many requests (429); `retryAfter` says how many seconds to wait, when the API said. */
export class RateLimitError extends ExpeError {
  get retryAfter(): number | null {
    return retryAfterSeconds(this.headers);
  }
}

/** Something went wrong on Expe's side (5xx, `api_error`); retried by the client first. */
export class ApiError extends ExpeError {}

/** Expe could not be reached: refused connection, unknown host, reset, or a timeout. */
export class ConnectionError extends ExpeError {}

/** No answer came within the client's timeout. */
export class RequestTimeoutError extends ConnectionError {}

type ErrorClass = new (details: ErrorDetails) => ExpeError;

const BY_TYPE: Readonly<Record<string, ErrorClass>> = {
  card_error: CardError,
  payment_error: PaymentError,
  authentication_error: AuthenticationError,
  permission_error: PermissionError,
  rate_limit_error: RateLimitError,
  api_error: ApiError,
};

function classByStatus(status: number, code: string | null): ErrorClass {
  if (status === 409) {
    return code?.startsWith("idempotency_key_") ? IdempotencyError : ConflictError;
  }
  if (status === 404) return NotFoundError;
  if (status === 401) return AuthenticationError;
  if (status === 402) return PaymentError;
  if (status === 403) return PermissionError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ApiError;
  if (status >= 400) return InvalidRequestError;
  return ExpeError;
}

interface ErrorBody {
  type?: unknown;
  code?: unknown;
  message?: unknown;
  param?: unknown;
  requestId?: unknown;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function errorBodyOf(rawBody: string): ErrorBody {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed) {
      const error = (parsed as { error: unknown }).error;
      if (typeof error === "object" && error !== null) return error as ErrorBody;
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the status alone decides.
  }
  return {};
}

/** The error an unsuccessful HTTP answer stands for. */
export function errorFromResponse(
  statusCode: number,
  headers: Readonly<Record<string, string>>,
  rawBody: string,
): ExpeError {
  const body = errorBodyOf(rawBody);
  const type = text(body.type);
  const code = text(body.code);
  const ErrorType = (type !== null ? BY_TYPE[type] : undefined) ?? classByStatus(statusCode, code);
  return new ErrorType({
    message: text(body.message) ?? `Expe answered HTTP ${statusCode} without an error message.`,
    type,
    code,
    param: text(body.param),
    requestId: text(body.requestId) ?? headers["x-request-id"] ?? null,
    statusCode,
    headers,
    rawBody,
  });
}

/** `Retry-After` in seconds, when the header holds a number of seconds. */
export function retryAfterSeconds(headers: Readonly<Record<string, string>>): number | null {
  const value = headers["retry-after"];
  if (value === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(value)) return null;
  return Number(value);
}
