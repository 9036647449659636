import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { NotFoundError, PaymentError } from "expe-node";

import { env, merchant } from "./support/env.js";

describe("wallets, top-ups and transfers", () => {
  test("a wallet opens once per currency, and shows its balance", async () => {
    const expe = merchant();
    const wallet = await expe.wallets.create({ currency: "INR" });
    assert.match(wallet.id, /^wal_/);
    assert.deepEqual(wallet.owner, { type: "merchant", id: env.merchantId });
    const again = await expe.wallets.create({ currency: "INR" });
    assert.equal(again.id, wallet.id);
    assert.equal(again.lastResponse.statusCode, 200, "the one already open");
    assert.equal((await expe.wallets.retrieve(wallet.id)).currency, "INR");
    const list = await expe.wallets.list();
    assert.ok(list.data.some((each) => each.id === wallet.id));
    await assert.rejects(expe.wallets.retrieve("wal_doesnotexist"), NotFoundError);
  });

  test("a top-up adds money and a transfer moves it to a user by email", async () => {
    const expe = merchant();
    const wallet = await expe.wallets.create({ currency: "INR" });
    const before = wallet.available;

    const topup = await expe.topups.create({
      walletId: wallet.id,
      amount: 50_000,
      source: { type: "upi", vpa: "merchant@upi" },
    });
    assert.equal(topup.type, "topup");
    assert.equal(topup.status, "succeeded");
    assert.equal(topup.toWalletId, wallet.id);
    assert.equal((await expe.topups.retrieve(topup.id)).amount, 50_000);

    const transfer = await expe.transfers.create({
      fromWalletId: wallet.id,
      to: { email: env.recipientEmail },
      amount: 1_500,
      currency: "INR",
      note: "refund of a deposit",
    });
    assert.equal(transfer.type, "transfer");
    assert.equal(transfer.status, "succeeded");
    assert.equal(transfer.fromWalletId, wallet.id);
    assert.notEqual(transfer.toWalletId, wallet.id);
    const retrieved = await expe.transfers.retrieve(transfer.id);
    assert.equal(retrieved.note, "refund of a deposit");

    const after = await expe.wallets.retrieve(wallet.id);
    assert.equal(after.available, before + 50_000 - 1_500);

    // The statement, newest first, walked one entry a page.
    const movements: string[] = [];
    for await (const entry of expe.wallets.entries(wallet.id, { limit: 1 })) {
      movements.push(entry.movementId);
      if (movements.length === 2) break;
    }
    assert.deepEqual(movements, [transfer.id, topup.id]);
    const csv = Buffer.from((await expe.wallets.exportEntries(wallet.id)).body).toString("utf8");
    assert.ok(csv.includes(transfer.id) && csv.includes(topup.id), csv);
  });

  test("a transfer beyond the balance is a PaymentError and moves nothing", async () => {
    const expe = merchant();
    const wallet = await expe.wallets.create({ currency: "INR" });
    await assert.rejects(
      expe.transfers.create({
        fromWalletId: wallet.id,
        to: { email: env.recipientEmail },
        amount: wallet.available + 1_000_000,
        currency: "INR",
      }),
      (error: unknown) => {
        assert.ok(error instanceof PaymentError);
        assert.equal(error.code, "insufficient_funds");
        return true;
      },
    );
    assert.equal((await expe.wallets.retrieve(wallet.id)).available, wallet.available);
  });

  test("a transfer to an unknown email is a NotFoundError", async () => {
    const expe = merchant();
    const wallet = await expe.wallets.create({ currency: "INR" });
    await assert.rejects(
      expe.transfers.create({
        fromWalletId: wallet.id,
        to: { email: "nobody-at-all@example.com" },
        amount: 100,
        currency: "INR",
      }),
      (error: unknown) => error instanceof NotFoundError && error.code === "recipient_not_found",
    );
  });
});
