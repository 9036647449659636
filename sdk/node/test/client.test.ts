import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import Expe, { ExpeClient, VERSION } from "expe-node";

import { env } from "./support/env.js";

describe("making a client", () => {
  test("works called and constructed, and both are instances of Expe", () => {
    const called = Expe("sk_test_abc");
    const constructed = new Expe("sk_test_abc");
    for (const client of [called, constructed]) {
      assert.ok(client instanceof Expe);
      assert.ok(client instanceof ExpeClient);
      assert.equal(typeof client.payments.create, "function");
    }
  });

  test("tells test mode from the key's prefix", () => {
    assert.equal(Expe("sk_test_abc").isTestMode, true);
    assert.equal(Expe("pk_test_abc").isTestMode, true);
    assert.equal(Expe("sk_live_abc").isTestMode, false);
    assert.equal(Expe("pk_live_abc").isTestMode, false);
  });

  test("takes its defaults from the contract and EXPE_API_URL", () => {
    const client = Expe("sk_test_abc");
    assert.equal(client.baseUrl, env.apiUrl.replace(/\/+$/, ""));
    assert.equal(client.timeout, 30_000);
    assert.equal(client.maxNetworkRetries, 2);
  });

  test("takes options over the defaults", () => {
    const client = Expe("sk_test_abc", {
      baseUrl: "https://api.example.com/",
      timeout: 5_000,
      maxNetworkRetries: 0,
    });
    assert.equal(client.baseUrl, "https://api.example.com");
    assert.equal(client.timeout, 5_000);
    assert.equal(client.maxNetworkRetries, 0);
  });

  test("refuses a missing key and impossible settings", () => {
    assert.throws(() => Expe(""), TypeError);
    assert.throws(() => Expe(undefined as unknown as string), TypeError);
    assert.throws(() => Expe("sk_test_abc", { timeout: 0 }), RangeError);
    assert.throws(() => Expe("sk_test_abc", { maxNetworkRetries: -1 }), RangeError);
  });

  test("an id cannot reach another route", async () => {
    const expe = Expe("sk_test_abc");
    await assert.rejects(expe.payments.retrieve(".."), TypeError);
    await assert.rejects(expe.payments.retrieve(""), TypeError);
    await assert.rejects(expe.wallets.entries(".."), TypeError);
  });

  test("VERSION is the package's version", () => {
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as {
      version: string;
    };
    assert.equal(VERSION, pkg.version);
    assert.equal(Expe.VERSION, pkg.version);
  });
});
