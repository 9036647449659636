/**
 * Webhook verification end to end: an endpoint pointing at a local receiver gets a real delivery
 * signed by the webhooks service, which the helper accepts with the endpoint's secret and
 * refuses once anything about it is changed.
 */

import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import {
  type ExpeClient,
  SignatureVerificationError,
  type VerificationFailure,
  type WebhookEndpointCreated,
  signWebhook,
  verifyWebhook,
} from "expe-node";

import { paidPayment, merchant } from "./support/env.js";
import { type LocalServer, type Received, startReceiver } from "./support/servers.js";

function refusedFor(reason: VerificationFailure) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof SignatureVerificationError, String(error));
    assert.equal(error.reason, reason, error.message);
    return true;
  };
}

function headersOf(delivery: Received): Record<string, string> {
  return {
    "webhook-id": String(delivery.headers["webhook-id"]),
    "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery.headers["webhook-signature"]),
  };
}

describe("webhook signatures", () => {
  let expe: ExpeClient;
  let receiver: LocalServer;
  let endpoint: WebhookEndpointCreated;
  let delivery: Received;
  let paymentId: string;

  before(async () => {
    expe = merchant();
    receiver = await startReceiver();
    endpoint = await expe.webhookEndpoints.create({
      url: `${receiver.url}/hooks/verify`,
      enabledEvents: ["payment.completed"],
    });
    paymentId = (await paidPayment(4_200)).id;
    delivery = await receiver.next(
      (request) => JSON.parse(request.body.toString()).data.paymentId === paymentId,
    );
  });
  after(async () => {
    await expe.webhookEndpoints.delete(endpoint.id);
    await receiver.close();
  });

  test("a real delivery verifies with the endpoint's secret and gives its event", () => {
    const event = expe.webhooks.verify(delivery.body, delivery.headers, endpoint.secret);
    assert.equal(event.type, "payment.completed");
    assert.equal(event.mode, "test");
    assert.equal(event.data["paymentId"], paymentId);
    assert.equal(event.data["amount"], 4_200);
    assert.deepEqual(
      verifyWebhook(delivery.body.toString(), new Headers(headersOf(delivery)), endpoint.secret),
      event,
    );
  });

  test("Expe's own checker agrees", async () => {
    const verdict = await expe.webhooks.verifyOnServer({
      body: delivery.body.toString(),
      headers: headersOf(delivery),
      secret: endpoint.secret,
    });
    assert.deepEqual(
      { valid: verdict.valid, reason: verdict.reason },
      { valid: true, reason: null },
    );
  });

  test("a tampered body is refused", async () => {
    const tampered = delivery.body.toString().replace('"amount":4200', '"amount":1');
    assert.notEqual(tampered, delivery.body.toString());
    assert.throws(
      () => verifyWebhook(tampered, delivery.headers, endpoint.secret),
      refusedFor("signature_mismatch"),
    );
    const verdict = await expe.webhooks.verifyOnServer({
      body: tampered,
      headers: headersOf(delivery),
      secret: endpoint.secret,
    });
    assert.equal(verdict.reason, "signature_mismatch");
  });

  test("another secret is refused", () => {
    const other = `whsec_${Buffer.from("another endpoint's key!!").toString("base64")}`;
    assert.throws(
      () => verifyWebhook(delivery.body, delivery.headers, other),
      refusedFor("signature_mismatch"),
    );
  });

  test("a stale or future timestamp is refused, even with a valid signature", () => {
    const now = Math.floor(Date.now() / 1000);
    const moved = { ...headersOf(delivery), "webhook-timestamp": String(now - 600) };
    assert.throws(
      () => verifyWebhook(delivery.body, moved, endpoint.secret),
      refusedFor("timestamp_outside_tolerance"),
    );
    for (const timestamp of [now - 301, now + 301]) {
      const signed = signWebhook(delivery.body, endpoint.secret, { timestamp });
      assert.throws(
        () => verifyWebhook(delivery.body, signed, endpoint.secret),
        refusedFor("timestamp_outside_tolerance"),
      );
      assert.ok(verifyWebhook(delivery.body, signed, endpoint.secret, { tolerance: 400 }));
    }
  });

  test("missing headers, a malformed secret and a parsed body are refused", () => {
    const { "webhook-signature": _, ...unsigned } = headersOf(delivery);
    assert.throws(
      () => verifyWebhook(delivery.body, unsigned, endpoint.secret),
      refusedFor("missing_header"),
    );
    assert.throws(
      () =>
        verifyWebhook(
          delivery.body,
          { ...headersOf(delivery), "webhook-timestamp": "soon" },
          endpoint.secret,
        ),
      refusedFor("malformed_header"),
    );
    assert.throws(
      () => verifyWebhook(delivery.body, delivery.headers, "whsec_not base64!"),
      refusedFor("malformed_secret"),
    );
    const parsed = JSON.parse(delivery.body.toString()) as unknown;
    assert.throws(
      () => verifyWebhook(parsed as string, delivery.headers, endpoint.secret),
      TypeError,
    );
  });

  test("what signWebhook signs, Expe's checker accepts", async () => {
    const body = JSON.stringify({ id: "evt_local", type: "payment.completed", data: {} });
    const verdict = await expe.webhooks.verifyOnServer({
      body,
      headers: { ...signWebhook(body, endpoint.secret) },
      secret: endpoint.secret,
    });
    assert.equal(verdict.valid, true, verdict.message);
  });

  test("during a secret's grace period a delivery carries both signatures, each verifying", async () => {
    const rotated = await expe.webhookEndpoints.rotateSecret(endpoint.id, { graceSeconds: 120 });
    const ping = await expe.webhookEndpoints.ping(endpoint.id);
    assert.equal(ping.ok, true);
    const pinged = await receiver.next(
      (request) => JSON.parse(request.body.toString()).type === "webhook.ping",
    );
    assert.equal(String(pinged.headers["webhook-signature"]).split(" ").length, 2);
    for (const secret of [endpoint.secret, rotated.secret]) {
      assert.equal(verifyWebhook(pinged.body, pinged.headers, secret).type, "webhook.ping");
    }
  });
});
