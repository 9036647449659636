/**
 * Webhook signatures, the Standard Webhooks scheme (https://www.standardwebhooks.com): the
 * secret is `whsec_` + base64 of the key; a signature is `v1,` + base64 of
 * HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"); `webhook-signature` holds one or
 * more, space-separated (two while a rotated secret is in its grace period), and a message is
 * genuine when any of them matches and its timestamp is within the tolerance of now.
 */

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";

import { ExpeError } from "./errors.js";
import type { VerificationFailure, WebhookEvent } from "./models/webhooks.js";

/** Five minutes either side of now, as Expe's own checker. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = "whsec_";
// As strong as the secrets Expe makes itself.
const SECRET_BYTES = 24;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Headers as a receiver has them: Node's `req.headers`, a fetch `Headers`, or a plain object,
 * names in any case.
 */
export type WebhookHeaders =
  Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyOptions {
  /** Seconds a timestamp may be away from now, either way. */
  tolerance?: number;
}

/** The three headers of a delivery. */
export type SignedHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
};

export interface SignOptions {
  /** The `webhook-id` (a new `msg_...` when left out). */
  id?: string;
  /** Seconds since 1970 (now when left out). */
  timestamp?: number;
}

/** A webhook that is not genuine, or not verifiable; `reason` says which check refused it. */
export class SignatureVerificationError extends ExpeError {
  readonly reason: VerificationFailure;

  constructor(reason: VerificationFailure, message: string) {
    super({ message, code: reason });
    this.reason = reason;
  }
}

/**
 * A new signing secret, `whsec_` + base64 of 24 random bytes: for an endpoint created with
 * `secret`, so that the receiver is configured with it before the endpoint exists.
 */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString("base64");
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === "string" ? value : value?.[0];
  }
  return undefined;
}

function keyOf(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (encoded === "" || !BASE64.test(encoded)) {
    throw new SignatureVerificationError(
      "malformed_secret",
      "The secret is not `whsec_` followed by base64: use the endpoint's secret as Expe gave it.",
    );
  }
  return Buffer.from(encoded, "base64");
}

function bytesOf(payload: string | Uint8Array): Buffer {
  if (typeof payload === "string") return Buffer.from(payload, "utf8");
  if (payload instanceof Uint8Array)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  throw new TypeError(
    "Pass the raw body as received (a string or Buffer), not parsed JSON: re-encoding changes the bytes signed.",
  );
}

function digest(key: Buffer, id: string, timestamp: string, body: Buffer): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
}

/**
 * Checks a received webhook and returns its event; throws `SignatureVerificationError` unless a
 * signature matches `secret` and the timestamp is within `tolerance` seconds of now.
 */
export function verifyWebhook<Data = Record<string, unknown>>(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyOptions = {},
): WebhookEvent<Data> {
  const body = bytesOf(payload);
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  for (const [name, value] of [
    ["webhook-id", id],
    ["webhook-timestamp", timestamp],
    ["webhook-signature", signatures],
  ] as const) {
    if (value === undefined || value === "") {
      throw new SignatureVerificationError("missing_header", `The ${name} header is missing.`);
    }
  }
  if (!/^\d+$/.test(timestamp!)) {
    throw new SignatureVerificationError(
      "malformed_header",
      "webhook-timestamp must be whole seconds since 1970.",
    );
  }
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
  const offset = Math.floor(Date.now() / 1000) - Number(timestamp);
  if (Math.abs(offset) > tolerance) {
    throw new SignatureVerificationError(
      "timestamp_outside_tolerance",
      `webhook-timestamp is ${offset} s from now; at most ${tolerance} s is accepted (a replayed or delayed message, or a clock far off).`,
    );
  }
  const expected = digest(keyOf(secret), id!, timestamp!, body);
  // Every signature is compared, each in constant time, so timing tells nothing about the key.
  let matched = false;
  for (const entry of signatures!.split(/\s+/)) {
    const [version, encoded] = entry.split(",", 2);
    if (version !== "v1" || encoded === undefined) continue;
    const offered = Buffer.from(encoded, "base64");
    if (offered.length === expected.length && timingSafeEqual(offered, expected)) matched = true;
  }
  if (!matched) {
    throw new SignatureVerificationError(
      "signature_mismatch",
      "No signature matches: check the secret and that the body is the raw bytes received.",
    );
  }
  return JSON.parse(body.toString("utf8")) as WebhookEvent<Data>;
}

/**
 * The headers Expe would send with `payload`, signed with `secret`: for testing a receiver.
 */
export function signWebhook(
  payload: string | Uint8Array,
  secret: string,
  options: SignOptions = {},
): SignedHeaders {
  const id = options.id ?? `msg_${randomUUID().replaceAll("-", "")}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = digest(keyOf(secret), id, timestamp, bytesOf(payload)).toString("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": timestamp,
    "webhook-signature": `v1,${signature}`,
  };
}
