import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";

import { ConflictError, IdempotencyError } from "expe-node";

import { merchant, orderId } from "./support/env.js";

describe("idempotency", () => {
  test("the same key replays the first answer instead of creating again", async () => {
    const expe = merchant();
    const key = `order-${randomUUID()}`;
    const params = { amount: 5_000, currency: "INR", orderId: orderId("idem") };
    const first = await expe.payments.create(params, { idempotencyKey: key });
    const again = await expe.payments.create(params, { idempotencyKey: key });
    assert.equal(again.id, first.id);
    assert.equal(first.lastResponse.idempotencyKey, key);
    assert.equal(again.lastResponse.idempotencyKey, key);
    assert.equal(first.lastResponse.idempotentReplayed, false);
    assert.equal(again.lastResponse.idempotentReplayed, true);
  });

  test("each call gets its own random key, so two calls make two payments", async () => {
    const expe = merchant();
    const params = { amount: 5_001, currency: "INR", orderId: orderId("auto") };
    const one = await expe.payments.create(params);
    const two = await expe.payments.create(params);
    assert.notEqual(one.id, two.id);
    const keys = [one.lastResponse.idempotencyKey ?? "", two.lastResponse.idempotencyKey ?? ""];
    assert.notEqual(keys[0], keys[1]);
    for (const key of keys) assert.ok(key.length >= 32, key);
  });

  test("a key reused with another body is an IdempotencyError", async () => {
    const expe = merchant();
    const key = `order-${randomUUID()}`;
    await expe.payments.create(
      { amount: 5_002, currency: "INR", orderId: orderId("reuse") },
      { idempotencyKey: key },
    );
    await assert.rejects(
      expe.payments.create(
        { amount: 5_003, currency: "INR", orderId: orderId("reuse") },
        { idempotencyKey: key },
      ),
      (error: unknown) => {
        assert.ok(error instanceof IdempotencyError);
        assert.ok(error instanceof ConflictError);
        assert.equal(error.statusCode, 409);
        assert.equal(error.code, "idempotency_key_reused");
        return true;
      },
    );
  });

  test("GETs carry no key", async () => {
    const payment = await merchant().payments.create({
      amount: 5_004,
      currency: "INR",
      orderId: orderId("get"),
    });
    const retrieved = await merchant().payments.retrieve(payment.id);
    assert.equal(retrieved.lastResponse.idempotencyKey, null);
  });
});
