import assert from "node:assert/strict";
import { describe, test } from "node:test";

import Expe, {
  AuthenticationError,
  CardError,
  ExpeError,
  InvalidRequestError,
  NotFoundError,
  PaymentError,
  PermissionError,
} from "expe-node";

import { DECLINED_CARD, customer, env, merchant, orderId } from "./support/env.js";

describe("errors", () => {
  test("a 400 names the parameter at fault", async () => {
    const error = await merchant()
      .payments.create({ amount: 0, currency: "INR", orderId: orderId("bad") })
      .then(
        () => assert.fail("a zero amount was accepted"),
        (caught: unknown) => caught,
      );
    assert.ok(error instanceof InvalidRequestError);
    assert.ok(error instanceof ExpeError);
    assert.equal(error.name, "InvalidRequestError");
    assert.equal(error.statusCode, 400);
    assert.equal(error.type, "invalid_request_error");
    assert.equal(error.param, "amount");
    assert.match(error.message, /amount/);
    assert.match(error.requestId ?? "", /^req_/);
    assert.equal(error.headers["x-request-id"], error.requestId);
    assert.equal(JSON.parse(error.rawBody ?? "").error.requestId, error.requestId);
  });

  test("an unknown id is a NotFoundError, an InvalidRequestError too", async () => {
    await assert.rejects(merchant().payments.retrieve("pay_doesnotexist"), (error: unknown) => {
      assert.ok(error instanceof NotFoundError);
      assert.ok(error instanceof InvalidRequestError);
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, "payment_not_found");
      return true;
    });
  });

  test("a wrong key is an AuthenticationError, answered at once", async () => {
    const expe = Expe("sk_test_thisisnotakeythisisnotakey", { baseUrl: env.apiUrl });
    const started = Date.now();
    await assert.rejects(expe.payments.list(), (error: unknown) => {
      assert.ok(error instanceof AuthenticationError);
      assert.equal(error.statusCode, 401);
      assert.equal(error.type, "authentication_error");
      return true;
    });
    assert.ok(Date.now() - started < 2_000, "a 401 is not retried");
  });

  test("a publishable key outside the checkout is a PermissionError", async () => {
    await assert.rejects(customer().payments.list(), (error: unknown) => {
      assert.ok(error instanceof PermissionError);
      assert.equal(error.statusCode, 403);
      assert.equal(error.code, "publishable_key_not_allowed");
      return true;
    });
  });

  test("a declined card is a CardError, and the payment is failed", async () => {
    const payment = await merchant().payments.create({
      amount: 3_000,
      currency: "INR",
      orderId: orderId("decline"),
    });
    await assert.rejects(
      customer().checkout.confirm(payment.id, {
        clientSecret: payment.clientSecret!,
        method: "card",
        card: DECLINED_CARD,
      }),
      (error: unknown) => {
        assert.ok(error instanceof CardError);
        assert.equal(error.statusCode, 402);
        assert.equal(error.type, "card_error");
        assert.equal(error.code, "card_declined");
        return true;
      },
    );
    const failed = await merchant().payments.retrieve(payment.id);
    assert.equal(failed.status, "failed");
    assert.equal(failed.failureCode, "card_declined");
  });

  test("a declined top-up is a PaymentError", async () => {
    const expe = merchant();
    const wallet = await expe.wallets.create({ currency: "INR" });
    await assert.rejects(
      expe.topups.create({ walletId: wallet.id, amount: 10_099, source: { type: "bank" } }),
      (error: unknown) => {
        assert.ok(error instanceof PaymentError);
        assert.equal(error.statusCode, 402);
        assert.equal(error.code, "topup_declined");
        return true;
      },
    );
  });
});
