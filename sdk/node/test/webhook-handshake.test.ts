import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { ConflictError, InvalidRequestError, type WebhookEndpointCreateParams } from "expe-node";

import { merchant } from "./support/env.js";
import {
  type LocalServer,
  startChallengeReceiver,
  startCheckingReceiver,
} from "./support/servers.js";

describe("the endpoint handshake", () => {
  // Paths whose challenges the receiver echoes; any other path answers 200 "ok" to them.
  const echoing = new Set(["/hooks/echoes"]);
  let receiver: LocalServer;
  const created: string[] = [];
  const create = async (params: WebhookEndpointCreateParams) => {
    const endpoint = await merchant().webhookEndpoints.create(params);
    created.push(endpoint.id);
    return endpoint;
  };
  before(async () => {
    receiver = await startChallengeReceiver((request) => echoing.has(request.path));
  });
  after(async () => {
    // The merchant's other tests share its endpoints (at most 16 per mode) and its events.
    for (const id of created) await merchant().webhookEndpoints.delete(id);
    await receiver.close();
  });

  test("an endpoint that echoes its signed challenge is enabled when it is created", async () => {
    const expe = merchant();
    const endpoint = await create({
      url: `${receiver.url}/hooks/echoes`,
      verification: "challenge",
    });
    assert.equal(endpoint.verification, "challenge");
    assert.equal(endpoint.status, "enabled");
    assert.equal(endpoint.enabled, true);
    assert.equal(endpoint.handshake?.status, "verified");
    assert.equal(endpoint.handshake?.failure, null);
    assert.ok(endpoint.handshake?.verifiedAt);

    const challenge = await receiver.next((request) => request.path === "/hooks/echoes");
    const event = expe.webhooks.verify(challenge.body, challenge.headers, endpoint.secret);
    assert.equal(event.type, "endpoint.verification");
    const attempt = await expe.webhookAttempts.retrieve(endpoint.handshake!.attemptId!);
    assert.equal(attempt.trigger, "verification");
  });

  test("a pending endpoint says why, and a new challenge enables it once it echoes", async () => {
    const expe = merchant();
    const endpoint = await create({
      url: `${receiver.url}/hooks/later`,
      verification: "challenge",
    });
    assert.equal(endpoint.status, "pending_verification");
    assert.equal(endpoint.enabled, false);
    assert.equal(endpoint.disabledReason, "pending_verification");
    assert.equal(endpoint.handshake?.status, "pending");
    assert.equal(endpoint.handshake?.failure?.code, "challenge_mismatch");
    assert.equal(endpoint.handshake?.failure?.responseStatus, 200);
    assert.equal(endpoint.handshake?.failure?.responseBody, "ok");
    assert.equal(
      (await expe.webhookEndpoints.retrieve(endpoint.id)).status,
      "pending_verification",
    );

    echoing.add("/hooks/later");
    const verified = await expe.webhookEndpoints.challenge(endpoint.id);
    assert.equal(verified.status, "enabled");
    assert.equal(verified.handshake?.status, "verified");
    assert.notEqual(
      verified.handshake?.attemptId,
      endpoint.handshake?.attemptId,
      "a new challenge",
    );
    assert.match(verified.lastResponse.idempotencyKey ?? "", /^.{32,}$/);
    await assert.rejects(
      expe.webhookEndpoints.challenge(endpoint.id),
      (error) => error instanceof ConflictError && error.code === "endpoint_already_verified",
    );

    const plain = await create({ url: `${receiver.url}/hooks/plain` });
    assert.equal(plain.verification, "none");
    assert.equal(plain.handshake, null);
    await assert.rejects(
      expe.webhookEndpoints.challenge(plain.id),
      (error) => error instanceof ConflictError && error.code === "verification_off",
    );
  });

  test("a receiver that checks signatures with its own secret is verified as the endpoint is created", async () => {
    const expe = merchant();
    const secret = expe.webhooks.generateSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/, "24 random bytes");
    assert.notEqual(expe.webhooks.generateSecret(), secret);
    const checking = await startCheckingReceiver(secret);
    try {
      const endpoint = await create({
        url: `${checking.url}/hooks/own-secret`,
        verification: "challenge",
        secret,
      });
      assert.equal(endpoint.status, "enabled", JSON.stringify(endpoint.handshake));
      assert.equal(endpoint.handshake?.status, "verified");
      assert.equal(endpoint.secret, secret);
    } finally {
      await checking.close();
    }

    await assert.rejects(
      create({ url: `${checking.url}/hooks/weak`, secret: "whsec_c2hvcnQ=" }),
      (error) => error instanceof InvalidRequestError && error.param === "secret",
    );
  });
});
