/**
 * One place that talks HTTP: builds each request, sends it with a timeout, retries what is
 * transient, and turns every unsuccessful answer into an `ExpeError`.
 */

import { randomUUID } from "node:crypto";

import {
  ApiError,
  ConnectionError,
  ExpeError,
  RequestTimeoutError,
  errorFromResponse,
} from "./errors.js";
import { isRetryable, retryDelayMs } from "./retry.js";
import { VERSION } from "./version.js";

/** Per-call settings; each overrides the client's own for this call only. */
export interface RequestOptions {
  /** For a POST: the key the API deduplicates on; a random one is made when left out. */
  idempotencyKey?: string;
  /** Milliseconds to wait for each attempt's answer. */
  timeout?: number;
  /** How many times a transient failure is retried. */
  maxNetworkRetries?: number;
  /** Extra headers for this call. */
  headers?: Readonly<Record<string, string>>;
}

/** The HTTP answer a result came in; every result has it as `lastResponse`. */
export interface ResponseMeta {
  readonly requestId: string | null;
  readonly statusCode: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `Idempotency-Key` the request was sent with (POST only). */
  readonly idempotencyKey: string | null;
  /** True when the API answered with the stored response of an earlier request with the key. */
  readonly idempotentReplayed: boolean;
}

export interface TransportConfig {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxNetworkRetries: number;
  readonly headers: Readonly<Record<string, string>>;
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface RequestSpec {
  method: Method;
  path: string;
  query?: object | undefined;
  body?: unknown;
  headers?: Readonly<Record<string, string>> | undefined;
  options?: RequestOptions | undefined;
}

export interface Answer {
  readonly body: Uint8Array;
  readonly meta: ResponseMeta;
}

export const USER_AGENT = `expe-node/${VERSION}`;

function queryValue(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** `?a=1&b=x&b=y`: arrays repeat their name, unset values are left out. */
export function queryString(query: object | undefined): string {
  if (query === undefined) return "";
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(name, queryValue(item));
    }
  }
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}

function headersOf(response: Response): Record<string, string> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}

function connectionError(error: unknown, url: string, timeout: number): ConnectionError {
  if (error instanceof Error && error.name === "TimeoutError") {
    return new RequestTimeoutError({
      message: `Expe did not answer ${url} within ${timeout} ms.`,
      cause: error,
    });
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ConnectionError({
    message: `Could not reach Expe at ${url}: ${reason}`,
    cause: error,
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Transport {
  constructor(readonly config: TransportConfig) {}

  /** Sends the request, retrying transient failures; resolves with a 2xx answer's body. */
  async request(spec: RequestSpec): Promise<Answer> {
    const options = spec.options ?? {};
    const idempotencyKey =
      spec.method === "POST" ? (options.idempotencyKey ?? randomUUID()) : undefined;
    const maxRetries = options.maxNetworkRetries ?? this.config.maxNetworkRetries;
    for (let retry = 0; ; retry++) {
      try {
        return await this.attempt(spec, idempotencyKey);
      } catch (error) {
        if (!(error instanceof ExpeError) || retry >= maxRetries || !isRetryable(error))
          throw error;
        await sleep(retryDelayMs(error, retry));
      }
    }
  }

  private async attempt(spec: RequestSpec, idempotencyKey: string | undefined): Promise<Answer> {
    const url = `${this.config.baseUrl}${spec.path}${queryString(spec.query)}`;
    const timeout = spec.options?.timeout ?? this.config.timeout;
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Bearer ${this.config.apiKey}`,
      "User-Agent": USER_AGENT,
      ...this.config.headers,
      ...spec.headers,
      ...spec.options?.headers,
    };
    if (idempotencyKey !== undefined) headers["Idempotency-Key"] = idempotencyKey;
    let body: string | undefined;
    if (spec.body !== undefined) {
      body = JSON.stringify(spec.body);
      headers["Content-Type"] = "application/json";
    }

    // Built first so that a malformed URL or header is thrown as it is, not taken for a network
    // failure and retried. The timeout covers reading the body too: a stalled stream fails like
    // a silent server.
    const request = new Request(url, {
      method: spec.method,
      headers,
      body: body ?? null,
      signal: AbortSignal.timeout(timeout),
    });
    let response: Response;
    let received: Uint8Array;
    try {
      response = await fetch(request);
      received = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw connectionError(error, url, timeout);
    }

    const responseHeaders = headersOf(response);
    if (!response.ok) {
      throw errorFromResponse(response.status, responseHeaders, new TextDecoder().decode(received));
    }
    return {
      body: received,
      meta: {
        requestId: responseHeaders["x-request-id"] ?? null,
        statusCode: response.status,
        headers: responseHeaders,
        idempotencyKey: idempotencyKey ?? null,
        idempotentReplayed: responseHeaders["idempotent-replayed"] === "true",
      },
    };
  }
}

/** The JSON of a 2xx answer; an empty body (a 204) is `undefined`. */
export function jsonOf(answer: Answer): unknown {
  if (answer.body.length === 0) return undefined;
  const text = new TextDecoder().decode(answer.body);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError({
      message: "Expe answered with a body that is not JSON.",
      statusCode: answer.meta.statusCode,
      requestId: answer.meta.requestId,
      headers: answer.meta.headers,
      rawBody: text,
      cause: error,
    });
  }
}
