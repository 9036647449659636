/**
 * Retries and timeouts, against a local server of the test's own that answers as a failing
 * upstream would (a 503, a 429, a stall), then as the API does.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import Expe, {
  ApiError,
  ConnectionError,
  type ExpeOptions,
  IdempotencyError,
  InvalidRequestError,
  RateLimitError,
  RequestTimeoutError,
  VERSION,
} from "expe-node";

import { type LocalServer, startFlaky, startServer } from "./support/servers.js";

const PAYMENT = { id: "pay_flaky", status: "created" };
const unavailable = (headers: Record<string, string> = {}) => ({
  status: 503,
  headers,
  body: { error: { type: "api_error", code: "service_unavailable", message: "Try again." } },
});

function client(server: LocalServer, options: ExpeOptions = {}) {
  return Expe("sk_test_flaky", { baseUrl: server.url, ...options });
}

async function using<T>(server: LocalServer, run: (server: LocalServer) => Promise<T>): Promise<T> {
  try {
    return await run(server);
  } finally {
    await server.close();
  }
}

describe("retries", () => {
  test("a 503 with Retry-After is retried after that long, with the same idempotency key", async () => {
    await using(
      await startFlaky([unavailable({ "retry-after": "1" }), { status: 201, body: PAYMENT }]),
      async (server) => {
        const started = Date.now();
        const payment = await client(server).payments.create({
          amount: 100,
          currency: "INR",
          orderId: "o",
        });
        const elapsed = Date.now() - started;
        assert.equal(payment.id, PAYMENT.id);
        assert.equal(server.received.length, 2);
        const [first, second] = server.received;
        assert.ok(second!.at - first!.at >= 1_000, `retried after ${second!.at - first!.at} ms`);
        assert.ok(elapsed < 5_000, `took ${elapsed} ms`);
        const key = first!.headers["idempotency-key"];
        assert.ok(typeof key === "string" && key.length >= 32);
        assert.equal(second!.headers["idempotency-key"], key);
        assert.equal(payment.lastResponse.idempotencyKey, key);
        for (const request of server.received) {
          assert.equal(request.headers["user-agent"], `expe-node/${VERSION}`);
          assert.equal(request.headers["authorization"], "Bearer sk_test_flaky");
          assert.equal(request.headers["content-type"], "application/json");
        }
        assert.deepEqual(JSON.parse(second!.body.toString()), {
          amount: 100,
          currency: "INR",
          orderId: "o",
        });
      },
    );
  });

  test("a 429 without Retry-After is retried after a short jittered backoff", async () => {
    const tooMany = {
      status: 429,
      body: { error: { type: "rate_limit_error", code: "rate_limited", message: "Slow down." } },
    };
    await using(await startFlaky([tooMany, { status: 200, body: PAYMENT }]), async (server) => {
      const payment = await client(server).payments.retrieve("pay_flaky");
      assert.equal(payment.status, "created");
      assert.equal(server.received.length, 2);
      assert.ok(
        server.received[1]!.at - server.received[0]!.at <= 1_000,
        "the first backoff is at most 0.5 s",
      );
      assert.equal(server.received[0]!.headers["idempotency-key"], undefined, "a GET has no key");
    });
  });

  test("after maxNetworkRetries the last answer's error is thrown", async () => {
    await using(await startFlaky([unavailable({ "retry-after": "0" })]), async (server) => {
      await assert.rejects(client(server).payments.list(), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.statusCode, 503);
        assert.equal(error.code, "service_unavailable");
        return true;
      });
      assert.equal(server.received.length, 3, "the first try and 2 retries");
    });
  });

  test("a rate limit that persists is a RateLimitError with its Retry-After", async () => {
    const tooMany = {
      status: 429,
      headers: { "retry-after": "0" },
      body: { error: { type: "rate_limit_error", code: "rate_limited", message: "Slow down." } },
    };
    await using(await startFlaky([tooMany]), async (server) => {
      await assert.rejects(
        client(server, { maxNetworkRetries: 1 }).payments.list(),
        (error: unknown) => {
          assert.ok(error instanceof RateLimitError);
          assert.equal(error.retryAfter, 0);
          return true;
        },
      );
      assert.equal(server.received.length, 2);
    });
  });

  test("an unknown error type still lands on the class its status fits", async () => {
    const odd = {
      status: 502,
      headers: { "retry-after": "0" },
      body: { error: { type: "brand_new_error", message: "?" } },
    };
    await using(await startFlaky([odd]), async (server) => {
      await assert.rejects(client(server, { maxNetworkRetries: 0 }).payments.list(), ApiError);
    });
    await using(
      await startFlaky([{ status: 502, body: "<html>bad gateway</html>" }]),
      async (server) => {
        await assert.rejects(
          client(server, { maxNetworkRetries: 0 }).payments.list(),
          (error: unknown) => {
            assert.ok(error instanceof ApiError);
            assert.match(error.rawBody ?? "", /bad gateway/);
            return true;
          },
        );
      },
    );
  });

  test("an idempotency key in use is retried; one reused is not", async () => {
    const conflict = (code: string) => ({
      status: 409,
      headers: { "retry-after": "0" },
      body: { error: { type: "invalid_request_error", code, message: "Conflict." } },
    });
    await using(
      await startFlaky([conflict("idempotency_key_in_use"), { status: 201, body: PAYMENT }]),
      async (server) => {
        await client(server).payments.create({ amount: 1, currency: "INR", orderId: "o" });
        assert.equal(server.received.length, 2);
      },
    );
    await using(await startFlaky([conflict("idempotency_key_reused")]), async (server) => {
      await assert.rejects(
        client(server).payments.create({ amount: 1, currency: "INR", orderId: "o" }),
        IdempotencyError,
      );
      assert.equal(server.received.length, 1);
    });
  });

  test("a 400 is never retried, and maxNetworkRetries 0 turns retries off", async () => {
    const invalid = {
      status: 400,
      body: {
        error: {
          type: "invalid_request_error",
          code: "parameter_invalid",
          message: "No.",
          param: "amount",
        },
      },
    };
    await using(await startFlaky([invalid]), async (server) => {
      await assert.rejects(client(server).payments.list(), InvalidRequestError);
      assert.equal(server.received.length, 1);
    });
    await using(await startFlaky([unavailable()]), async (server) => {
      await assert.rejects(client(server, { maxNetworkRetries: 0 }).payments.list(), ApiError);
      assert.equal(server.received.length, 1);
    });
    await using(await startFlaky([unavailable({ "retry-after": "0" })]), async (server) => {
      await assert.rejects(client(server).payments.list({}, { maxNetworkRetries: 0 }), ApiError);
      assert.equal(server.received.length, 1, "per call too");
    });
  });

  test("a refused connection is a ConnectionError, after the retries", async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    const expe = Expe("sk_test_flaky", { baseUrl: closed.url, maxNetworkRetries: 1 });
    await assert.rejects(expe.payments.list(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /ECONNREFUSED/);
      assert.equal(error.statusCode, null);
      return true;
    });
  });
});

describe("timeouts", () => {
  test("a silent server is a RequestTimeoutError after the timeout, each attempt", async () => {
    await using(await startFlaky([{ status: 200, hang: true }]), async (server) => {
      const started = Date.now();
      await assert.rejects(
        client(server, { timeout: 300, maxNetworkRetries: 1 }).payments.list(),
        (error: unknown) => {
          assert.ok(error instanceof RequestTimeoutError);
          assert.ok(error instanceof ConnectionError);
          assert.match(error.message, /300 ms/);
          return true;
        },
      );
      const elapsed = Date.now() - started;
      assert.equal(server.received.length, 2, "the timeout is retried");
      assert.ok(elapsed >= 600, `gave up after ${elapsed} ms`);
      assert.ok(elapsed < 3_000, `gave up after ${elapsed} ms`);
    });
  });

  test("a call's own timeout overrides the client's", async () => {
    await using(
      await startFlaky([
        { status: 200, hang: true },
        { status: 200, body: PAYMENT },
      ]),
      async (server) => {
        const expe = client(server, { timeout: 60_000 });
        const started = Date.now();
        const payment = await expe.payments.retrieve("pay_flaky", { timeout: 200 });
        assert.equal(payment.id, PAYMENT.id);
        assert.ok(Date.now() - started < 2_000);
      },
    );
  });
});
