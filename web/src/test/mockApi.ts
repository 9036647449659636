// A mocked network layer: fetch answers from a table of "METHOD /api/v1/path" routes.
import { vi } from "vitest";

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

const ANSWER = Symbol("answer");
type Answer =
  | { [ANSWER]: true; status?: number; body?: unknown; headers?: Record<string, string> }
  | ((call: Call) => Answer | unknown);
type Handler = (call: Call) => unknown;
type Route = Handler | Answer | object | string | number | null;
export type Routes = Record<string, Route>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Answer {
  return { [ANSWER]: true, status, body, headers };
}

/** An answer without a body (202, 204). */
export function empty(status = 204): Answer {
  return { [ANSWER]: true, status };
}

export function apiError(status: number, code: string, message = code, param?: string): Answer {
  return {
    [ANSWER]: true,
    status,
    body: { error: { type: "invalid_request_error", code, message, param, requestId: "req_test" } },
  };
}

function isAnswer(value: unknown): value is Answer {
  return (
    typeof value === "function" || (typeof value === "object" && value !== null && ANSWER in value)
  );
}

/** Installs the mock; routes match exactly, or by a trailing "*" prefix. Returns the calls made. */
export function mockApi(routes: Routes) {
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const method = (init?.method ?? "GET").toUpperCase();
    const headers = new Headers(init?.headers);
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    const call: Call = { method, path: url.pathname, query: url.searchParams, headers, body };
    calls.push(call);
    const key = `${method} ${url.pathname}`;
    let route = routes[key];
    if (route === undefined) {
      const prefix = Object.keys(routes).find(
        (pattern) => pattern.endsWith("*") && key.startsWith(pattern.slice(0, -1)),
      );
      route = prefix ? routes[prefix] : undefined;
    }
    if (route === undefined) {
      return new Response(
        JSON.stringify({
          error: {
            type: "invalid_request_error",
            code: "resource_not_found",
            message: `No route ${key}`,
          },
        }),
        {
          status: 404,
          headers: { "content-type": "application/json" },
        },
      );
    }
    let answer: unknown = route;
    while (typeof answer === "function") answer = (answer as (call: Call) => unknown)(call);
    if (!isAnswer(answer)) answer = json(answer);
    const {
      status: given,
      body: payloadBody,
      headers: extra,
    } = answer as Exclude<Answer, (call: Call) => unknown>;
    const status = given ?? 200;
    const payload =
      payloadBody === undefined
        ? null
        : typeof payloadBody === "string"
          ? payloadBody
          : JSON.stringify(payloadBody);
    return new Response(status === 204 ? null : payload, {
      status,
      headers: { "content-type": "application/json", ...extra },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    calls,
    fetchMock,
    find: (method: string, path: string) =>
      calls.filter((c) => c.method === method && c.path === path),
  };
}
