import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { type Payment, InvalidRequestError } from "expe-node";

import { SANDBOX_CARD, customer, env, merchant, orderId, waitFor } from "./support/env.js";

describe("payments", () => {
  test("create answers the payment with its checkout link and the request's id", async () => {
    const expe = merchant();
    const order = orderId("create");
    const payment = await expe.payments.create({
      amount: 49_900,
      currency: "inr",
      orderId: order,
      description: "Two masala chai",
      customer: { email: "buyer@example.com" },
      metadata: { cart: "c_42" },
      allowedMethods: ["card", "upi_qr"],
      returnUrl: "https://shop.example.com/done",
    });
    assert.match(payment.id, /^pay_/);
    assert.equal(payment.status, "created");
    assert.equal(payment.amount, 49_900);
    assert.equal(payment.currency, "INR");
    assert.equal(payment.orderId, order);
    assert.deepEqual(payment.metadata, { cart: "c_42" });
    assert.deepEqual(payment.allowedMethods, ["card", "upi_qr"]);
    assert.ok(payment.checkoutUrl.includes(`#${payment.clientSecret}`));
    assert.match(payment.lastResponse.requestId ?? "", /^req_/);
    assert.equal(payment.lastResponse.statusCode, 201);
    assert.equal(Object.keys(payment).includes("lastResponse"), false, "lastResponse is not data");

    const retrieved = await expe.payments.retrieve(payment.id);
    assert.deepEqual({ ...retrieved }, { ...payment });
    assert.notEqual(retrieved.lastResponse.requestId, payment.lastResponse.requestId);
  });

  test("a list is one page that also walks every page, fetching each only when reached", async (t) => {
    const expe = merchant();
    // Amounts no other test uses, from the first one's creation on (earlier runs of the suite
    // may have used the merchant), so that the filters find exactly these payments.
    const payments: Payment[] = [];
    for (const amount of [7001, 7002, 7003, 7004, 7005]) {
      payments.push(
        await expe.payments.create({ amount, currency: "INR", orderId: orderId("page") }),
      );
    }
    const created = new Set(payments.map((payment) => payment.id));
    const filters = { minAmount: 7001, maxAmount: 7005, from: payments[0]!.createdAt, limit: 2 };

    const first = await expe.payments.list(filters);
    assert.equal(first.data.length, 2);
    assert.equal(first.page, 1);
    assert.equal(first.total, 5);
    assert.equal(first.hasMore, true);
    assert.match(first.lastResponse.requestId ?? "", /^req_/);
    const second = await first.nextPage();
    const third = await second!.nextPage();
    assert.deepEqual(
      [second!.page, third!.page, third!.data.length, third!.hasMore],
      [2, 3, 1, false],
    );
    assert.equal(await third!.nextPage(), null);

    const requests: string[] = [];
    const realFetch = globalThis.fetch;
    t.mock.method(globalThis, "fetch", (input: Request) => {
      requests.push(new URL(input.url).search);
      return realFetch(input);
    });
    const seen: string[] = [];
    const seenAfterRequests: number[] = [];
    for await (const payment of expe.payments.list(filters)) {
      seen.push(payment.id);
      seenAfterRequests.push(requests.length);
    }
    assert.deepEqual(new Set(seen), created);
    assert.equal(seen.length, 5, "no payment twice");
    // Items 1-2 come from the first request, 3-4 from the second, 5 from the third.
    assert.deepEqual(seenAfterRequests, [1, 1, 2, 2, 3]);
    assert.match(requests[1]!, /page=2/);

    const three = await (await expe.payments.list(filters)).toArray(3);
    assert.equal(three.length, 3);
  });

  test("a payment is paid on the checkout with a sandbox card, then refunded", async () => {
    const expe = merchant();
    const browser = customer();
    const created = await expe.payments.create({
      amount: 10_000,
      currency: "INR",
      orderId: orderId("pay"),
    });

    const shown = await browser.checkout.retrieve(created.id, {
      clientSecret: created.clientSecret!,
    });
    assert.equal(shown.merchant.id, env.merchantId);
    assert.equal(shown.amount, 10_000);
    assert.equal("metadata" in shown, false, "the checkout shows the customer no metadata");

    const paid = await browser.checkout.confirm(created.id, {
      clientSecret: created.clientSecret!,
      method: "card",
      card: SANDBOX_CARD,
    });
    assert.equal(paid.status, "succeeded");
    const payment = await expe.payments.retrieve(created.id);
    assert.equal(payment.card?.last4, "4242");

    const partial = await expe.payments.refund(payment.id, {
      amount: 3_000,
      reason: "one item returned",
    });
    assert.match(partial.id, /^re_/);
    assert.equal(partial.amount, 3_000);
    assert.equal(partial.amountRefunded, 3_000);
    const rest = await expe.payments.refund(payment.id);
    assert.equal(rest.amount, 7_000);
    assert.equal(rest.amountRefunded, 10_000);

    const refunds = await expe.payments.listRefunds(payment.id);
    assert.deepEqual(
      refunds.data.map((refund) => refund.id),
      [partial.id, rest.id],
    );
    assert.equal((await expe.payments.retrieve(payment.id)).amountRefunded, 10_000);
    await assert.rejects(expe.payments.refund(payment.id, { amount: 1 }), InvalidRequestError);

    const history = await expe.payments.history(payment.id);
    assert.deepEqual(
      history.data.map((step) => step.to),
      ["created", "processing", "succeeded"],
    );
    assert.equal(history.data[0]!.from, null);
  });

  test("a UPI QR payment processes until the sandbox completes it", async () => {
    const expe = merchant();
    const created = await expe.payments.create({
      amount: 1_500,
      currency: "INR",
      orderId: orderId("upi"),
    });
    assert.match(created.qrPayload, /^upi:\/\/pay\?/);
    const started = await customer().checkout.confirm(created.id, {
      clientSecret: created.clientSecret!,
      method: "upi_qr",
    });
    assert.equal(started.status, "processing");
    const completed = await customer().checkout.completeUpi(created.id, {
      clientSecret: created.clientSecret!,
      outcome: "success",
    });
    assert.equal(completed.status, "succeeded");
  });

  test("the merchant's secret key pays on the checkout without the client secret", async () => {
    const expe = merchant();
    const created = await expe.payments.create({
      amount: 1_200,
      currency: "INR",
      orderId: orderId("sk"),
    });
    const paid = (await expe.checkout.confirm(created.id, {
      method: "card",
      card: SANDBOX_CARD,
    })) as Payment;
    assert.equal(paid.status, "succeeded");
    assert.equal(paid.merchantId, env.merchantId, "the merchant's side sees the whole payment");
  });

  test("cancel ends a payment not yet paid", async () => {
    const expe = merchant();
    const created = await expe.payments.create({
      amount: 900,
      currency: "INR",
      orderId: orderId("cancel"),
    });
    const canceled = await expe.payments.cancel(created.id, { reason: "customer left" });
    assert.equal(canceled.status, "canceled");
  });

  test("export streams the filtered payments as CSV", async () => {
    const expe = merchant();
    const order = orderId("export");
    const created = await expe.payments.create({ amount: 4_321, currency: "INR", orderId: order });
    const file = await expe.payments.export({ q: order });
    assert.equal(file.filename, "payments.csv");
    assert.match(file.contentType, /^text\/csv/);
    const csv = Buffer.from(file.body).toString("utf8");
    assert.ok(csv.includes(created.id), csv);
    assert.equal(csv.trim().split("\n").length, 2, "a header and the one payment");

    const xlsx = await expe.payments.export({ q: order, format: "xlsx" });
    assert.equal(xlsx.filename, "payments.xlsx");
    assert.deepEqual([...xlsx.body.subarray(0, 2)], [0x50, 0x4b], "a zip, as Excel files are");
  });

  test("transactions list the merchant's payments", async () => {
    const expe = merchant();
    const created = await expe.payments.create({
      amount: 1_111,
      currency: "INR",
      orderId: orderId("txn"),
    });
    const page = await expe.transactions.list(env.merchantId, { limit: 100 });
    assert.ok(page.data.some((payment) => payment.id === created.id));
  });

  test("a payment's webhooks list its messages with their attempts", async () => {
    const expe = merchant();
    const created = await expe.payments.create({
      amount: 1_212,
      currency: "INR",
      orderId: orderId("hooks"),
    });
    const webhooks = await expe.payments.listWebhooks(created.id);
    assert.equal(webhooks.paymentId, created.id);
    assert.ok(Array.isArray(webhooks.data));
  });

  test("analytics count the merchant's payments", async () => {
    const expe = merchant();
    await expe.payments.create({ amount: 2_222, currency: "INR", orderId: orderId("stats") });
    const summary = await waitFor(async () => {
      const found = await expe.analytics.summary();
      return found.paymentsCreated.some((row) => row.currency === "INR" && row.count > 0)
        ? found
        : undefined;
    }, "the payment in the analytics summary");
    assert.equal(summary.merchantId, env.merchantId);
    assert.equal(summary.mode, "test");

    const overview = await waitFor(async () => {
      const found = await expe.analytics.overview({ days: 7, tz: "Asia/Kolkata" });
      return found.currencies.some((row) => row.currency === "INR" && row.today.count > 0)
        ? found
        : undefined;
    }, "the payment in today's overview");
    assert.equal(overview.timezone, "Asia/Kolkata");
    assert.equal(overview.currencies.find((row) => row.currency === "INR")!.days.length, 7);
  });

  test("a key reads its rate limits", async () => {
    const limits = await merchant().rateLimits.retrieve();
    assert.equal(limits.enabled, true);
    const keyBucket = limits.data.find((bucket) => bucket.name === "apiKey");
    assert.ok(keyBucket && keyBucket.remaining <= keyBucket.limit);
  });
});
