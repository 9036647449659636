import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ConflictError, NotFoundError } from "expe-node";

import { merchant, waitFor } from "./support/env.js";
import { type LocalServer, startReceiver } from "./support/servers.js";

describe("webhook endpoints, messages and attempts", () => {
  let receiver: LocalServer;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  test("an endpoint is created, read, listed, changed, tested, pinged and deleted", async () => {
    const expe = merchant();
    const endpoint = await expe.webhookEndpoints.create({
      url: `${receiver.url}/hooks/crud`,
      enabledEvents: ["refund.issued"],
      description: "refunds desk",
    });
    assert.match(endpoint.id, /^we_/);
    assert.match(endpoint.secret, /^whsec_/);
    assert.equal(endpoint.enabled, true);

    const retrieved = await expe.webhookEndpoints.retrieve(endpoint.id);
    assert.equal(retrieved.description, "refunds desk");
    assert.equal("secret" in retrieved, false, "the secret is shown once");

    const listed: string[] = [];
    for await (const each of expe.webhookEndpoints.list({ limit: 1 })) listed.push(each.id);
    assert.ok(listed.includes(endpoint.id));

    const changed = await expe.webhookEndpoints.update(endpoint.id, {
      enabledEvents: ["payment.*", "refund.issued"],
      description: "payments and refunds",
    });
    assert.deepEqual(changed.enabledEvents, ["payment.*", "refund.issued"]);

    const rotated = await expe.webhookEndpoints.rotateSecret(endpoint.id, { graceSeconds: 60 });
    assert.equal(rotated.endpointId, endpoint.id);
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, endpoint.secret);
    assert.ok(Date.parse(rotated.previousSecretExpiresAt) > Date.now());

    const ping = await expe.webhookEndpoints.ping(endpoint.id);
    assert.equal(ping.ok, true);
    assert.equal(ping.status, 200);
    assert.ok(ping.latencyMs >= 0);
    const pingAttempt = await expe.webhookAttempts.retrieve(ping.attemptId);
    assert.equal(pingAttempt.trigger, "ping");
    assert.equal(pingAttempt.endpointId, endpoint.id);
    assert.ok(pingAttempt.request !== null);

    const message = await expe.webhookEndpoints.sendTest(endpoint.id, {
      eventType: "payment.completed",
    });
    assert.equal(message.eventType, "payment.completed");
    const delivered = await receiver.next(
      (request) => request.headers["webhook-id"] === message.id,
    );
    assert.equal(JSON.parse(delivered.body.toString()).data.test, true);
    const messages = await waitFor(async () => {
      const page = await expe.webhookMessages.list({
        endpointId: endpoint.id,
        status: "delivered",
      });
      return page.data.some((each) => each.id === message.id) ? page : undefined;
    }, "the test message delivered");
    assert.ok(messages.data.every((each) => each.endpointId === endpoint.id));

    const attempts = await expe.webhookAttempts.list({
      endpointId: endpoint.id,
      messageId: message.id,
    });
    assert.equal(attempts.data.length, 1);
    const retried = await expe.webhookAttempts.retry(attempts.data[0]!.id);
    assert.equal(retried.messageId, message.id);
    assert.equal(retried.trigger, "manual");
    const redelivered = await receiver.next(
      (request) => request.headers["webhook-id"] === message.id && request !== delivered,
    );
    assert.equal(redelivered.body.toString(), delivered.body.toString(), "the same message again");

    const replay = await expe.webhookEndpoints.replay(endpoint.id, {
      since: new Date(Date.now() - 3_600_000),
    });
    assert.equal(replay.endpointId, endpoint.id);
    assert.equal(typeof replay.queued, "number");

    const disabled = await expe.webhookEndpoints.update(endpoint.id, { enabled: false });
    assert.equal(disabled.enabled, false);
    await assert.rejects(expe.webhookEndpoints.sendTest(endpoint.id), ConflictError);

    const deleted = await expe.webhookEndpoints.delete(endpoint.id);
    assert.deepEqual({ ...deleted }, { id: endpoint.id, deleted: true });
    assert.equal(deleted.lastResponse.statusCode, 204);
    await assert.rejects(expe.webhookEndpoints.retrieve(endpoint.id), NotFoundError);
  });
});
