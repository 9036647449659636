import { describe, expect, it } from "vitest";
import { session } from "../auth/session";
import { apiError, json, mockApi } from "../test/mockApi";
import { tokens, user } from "../test/fixtures";
import { workspace } from "../workspace/store";
import { ApiError, buildQuery, errorMessage, NetworkError, payments, request } from "./client";

describe("the API client", () => {
  it("sends the dashboard headers", async () => {
    session.start(tokens);
    workspace.setMerchant("mer_9");
    workspace.setMode("live");
    const api = mockApi({ "GET /api/v1/payments/pay_1": { id: "pay_1" } });
    await payments.get("pay_1");
    const headers = api.calls[0]!.headers;
    expect(headers.get("Authorization")).toBe("Bearer at_1");
    expect(headers.get("Expe-Merchant")).toBe("mer_9");
    expect(headers.get("Expe-Mode")).toBe("live");
  });

  it("builds queries with repeated keys and without empty values", () => {
    expect(buildQuery({ status: ["failed", "succeeded"], q: "", page: 2, x: undefined })).toBe(
      "?status=failed&status=succeeded&page=2",
    );
    expect(buildQuery(undefined)).toBe("");
  });

  it("turns error bodies into ApiErrors", async () => {
    mockApi({
      "POST /api/v1/payments/pay_1/refund": apiError(
        409,
        "payment_not_refundable",
        "Not refundable",
        "amount",
      ),
    });
    const error = await payments.refund("pay_1", { amount: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: "payment_not_refundable",
      param: "amount",
      requestId: "req_test",
    });
    expect(errorMessage(error)).toBe("Not refundable");
  });

  it("says when to retry after a 429", async () => {
    mockApi({
      "GET /api/v1/payments/pay_1": json(
        { error: { code: "rate_limited", message: "Slow down." } },
        429,
        { "Retry-After": "3" },
      ),
    });
    const error = await payments.get("pay_1").catch((e: unknown) => e);
    expect(errorMessage(error)).toBe("Slow down. Try again in 3 s.");
  });

  it("copes with an answer that is not JSON", async () => {
    mockApi({ "GET /api/v1/payments/pay_1": json("<html>bad gateway</html>", 502) });
    const error = (await payments.get("pay_1").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/502/);
  });

  it("refreshes an expired session once and retries the request", async () => {
    session.start(tokens);
    let first = true;
    const api = mockApi({
      "GET /api/v1/payments/pay_1": (call) => {
        if (first) {
          first = false;
          return apiError(401, "token_expired");
        }
        return json({ id: "pay_1", seenWith: call.headers.get("Authorization") });
      },
      "POST /api/v1/auth/refresh": json({ ...tokens, accessToken: "at_2", refreshToken: "rt_2" }),
    });
    const answer = await payments.get("pay_1");
    expect(answer).toMatchObject({ seenWith: "Bearer at_2" });
    expect(api.find("POST", "/api/v1/auth/refresh")[0]!.body).toEqual({ refreshToken: "rt_1" });
    expect(localStorage.getItem("expe.refreshToken")).toBe("rt_2");
  });

  it("runs one refresh for many requests that fail together", async () => {
    session.start(tokens);
    let token = "at_1";
    const api = mockApi({
      "GET /api/v1/payments/*": (call) =>
        call.headers.get("Authorization") === `Bearer ${token}` && token === "at_2"
          ? json({ ok: true })
          : apiError(401, "token_expired"),
      "POST /api/v1/auth/refresh": () => {
        token = "at_2";
        return json({ ...tokens, accessToken: "at_2", refreshToken: "rt_2" });
      },
    });
    await Promise.all([payments.get("pay_1"), payments.get("pay_2"), payments.get("pay_3")]);
    expect(api.find("POST", "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("ends the session when the refresh token is refused", async () => {
    session.start(tokens);
    mockApi({
      "GET /api/v1/payments/pay_1": apiError(401, "token_expired"),
      "POST /api/v1/auth/refresh": apiError(401, "invalid_refresh_token"),
    });
    await expect(payments.get("pay_1")).rejects.toMatchObject({ status: 401 });
    expect(session.get().accessToken).toBeNull();
    expect(localStorage.getItem("expe.refreshToken")).toBeNull();
  });

  it("reports an unreachable network", async () => {
    const fetchMock = async () => {
      throw new TypeError("Failed to fetch");
    };
    globalThis.fetch = fetchMock as typeof fetch;
    const error = await request("GET", "/anything", { auth: "none" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(errorMessage("weird")).toBe("Something went wrong.");
  });

  it("sends the checkout's client secret and no session", async () => {
    session.start({ ...tokens, user });
    const api = mockApi({ "GET /api/v1/checkout/payments/pay_1": { id: "pay_1" } });
    const { checkout } = await import("./client");
    await checkout.get("pay_1", "pay_1_secret_x");
    expect(api.calls[0]!.headers.get("Expe-Client-Secret")).toBe("pay_1_secret_x");
    expect(api.calls[0]!.headers.get("Authorization")).toBeNull();
  });
});
