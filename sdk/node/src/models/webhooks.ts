import type { ListParams } from "../pagination.js";
import type { Mode, TimeInput, Timestamp } from "./common.js";

/** The event types an endpoint can receive. */
export type EventType =
  "payment.created" | "payment.completed" | "payment.failed" | "payment.canceled" | "refund.issued";

/** `"challenge"`: the endpoint must echo a signed challenge before it gets events (the handshake). */
export type Verification = "none" | "challenge";

/** `pending_verification` until the endpoint echoes its challenge. */
export type WebhookEndpointStatus = "enabled" | "disabled" | "pending_verification";

/** Why the last challenge was not echoed. */
export interface HandshakeFailure {
  /**
   * `connection_error`, `dns_error`, `timeout`, `address_not_allowed`, `http_status` or
   * `challenge_mismatch` (a 2xx answer without the challenge).
   */
  code: string;
  message: string;
  responseStatus: number | null;
  /** The start of what the endpoint answered (its attempt keeps more). */
  responseBody: string | null;
}

/** Where the endpoint's handshake stands. */
export interface Handshake {
  status: "pending" | "verified";
  challengedAt: Timestamp | null;
  verifiedAt: Timestamp | null;
  /** The last challenge's attempt, with the request sent and the answer received. */
  attemptId: string | null;
  failure: HandshakeFailure | null;
}

export interface WebhookEndpointCreateParams {
  /** In test mode `http://` and local addresses are allowed; live endpoints need public https. */
  url: string;
  /** Exact types, a family (`payment.*`) or `*` (everything, when left out). */
  enabledEvents?: string[];
  description?: string;
  /** The project it belongs to; the API key's own project when left out. */
  projectId?: string;
  /** `"challenge"`: the endpoint gets nothing until it echoes a signed challenge (`"none"` by default). */
  verification?: Verification;
  /**
   * Your own signing secret, `whsec_` + base64 of 24 to 64 random bytes
   * (`webhooks.generateSecret()`), so that a receiver that checks signatures knows it before the
   * endpoint exists; one is made when left out.
   */
  secret?: string;
}

export interface WebhookEndpointUpdateParams {
  url?: string;
  enabledEvents?: string[];
  description?: string;
  /** `true` turns a disabled endpoint back on. */
  enabled?: boolean;
  /** `"challenge"` turns the handshake on and challenges the endpoint at once; `"none"` turns it off. */
  verification?: Verification;
}

export interface WebhookEndpointListParams extends ListParams {
  projectId?: string;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  mode: string;
  projectId: string | null;
  description: string | null;
  enabledEvents: string[];
  enabled: boolean;
  disabledReason: string | null;
  disabledAt: Timestamp | null;
  /** Since when every attempt failed; null while the endpoint answers. */
  failingSince: Timestamp | null;
  status: WebhookEndpointStatus;
  verification: Verification;
  /** Null for an endpoint that was never challenged. */
  handshake: Handshake | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface WebhookEndpointCreated extends WebhookEndpoint {
  /** `whsec_...`: shown in this answer only; keep it to verify signatures. */
  secret: string;
}

export interface SecretRotateParams {
  /** How long the previous secret keeps signing next to the new one (24 hours by default). */
  graceSeconds?: number;
}

export interface SecretRotated {
  endpointId: string;
  secret: string;
  previousSecretExpiresAt: Timestamp;
}

export interface TestEventParams {
  /** `payment.completed` when left out. */
  eventType?: EventType;
}

export interface ReplayParams {
  since: TimeInput;
  until?: TimeInput;
}

export interface ReplayResult {
  endpointId: string;
  queued: number;
}

export interface AttemptError {
  code: string;
  message: string | null;
}

export interface PingResult {
  endpointId: string;
  /** True when the endpoint answered 2xx. */
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: AttemptError | null;
  attemptId: string;
}

export type MessageStatus = "pending" | "delivered" | "failed" | "canceled";

/** One event on its way to one endpoint; `id` is the `webhook-id` the receiver sees. */
export interface WebhookMessage {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  paymentId: string | null;
  trigger: string;
  status: MessageStatus;
  attemptCount: number;
  nextAttemptAt: Timestamp | null;
  deliveredAt: Timestamp | null;
  reason: string | null;
  createdAt: Timestamp;
}

export interface WebhookMessageListParams extends ListParams {
  endpointId?: string;
  paymentId?: string;
  status?: MessageStatus;
}

export type AttemptStatus = "sending" | "succeeded" | "failed";

export interface WebhookAttempt {
  id: string;
  messageId: string | null;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  paymentId: string | null;
  /** `automatic`, `manual` (a retry), `test`, `ping` or `verification` (a challenge). */
  trigger: string;
  status: AttemptStatus;
  url: string;
  responseStatus: number | null;
  latencyMs: number | null;
  error: AttemptError | null;
  startedAt: Timestamp;
  finishedAt: Timestamp | null;
}

/** An attempt with the signed request sent and the response received (bodies cut at 4 KiB). */
export interface WebhookAttemptDetail extends WebhookAttempt {
  request: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
}

export interface WebhookAttemptListParams extends ListParams {
  endpointId?: string;
  messageId?: string;
  paymentId?: string;
  status?: AttemptStatus;
}

export interface PaymentWebhooks {
  paymentId: string;
  data: (WebhookMessage & { attempts: WebhookAttempt[] })[];
}

export interface VerifyOnServerParams {
  /** The body exactly as received. */
  body: string;
  /** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers. */
  headers: Record<string, string>;
  secret: string;
  toleranceSeconds?: number;
}

export type VerificationFailure =
  | "missing_header"
  | "malformed_header"
  | "timestamp_outside_tolerance"
  | "malformed_secret"
  | "signature_mismatch";

export interface VerifyOnServerResult {
  valid: boolean;
  reason: VerificationFailure | null;
  message: string;
}

/** What a webhook delivery's body holds. */
export interface WebhookEvent<Data = Record<string, unknown>> {
  id: string;
  type: EventType | "webhook.ping" | "endpoint.verification";
  timestamp: Timestamp;
  merchantId: string;
  mode: Mode;
  data: Data;
}
