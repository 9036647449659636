import type { RequestOptions } from "../http.js";
import type { Deleted } from "../models/common.js";
import type {
  PingResult,
  ReplayParams,
  ReplayResult,
  SecretRotateParams,
  SecretRotated,
  TestEventParams,
  VerifyOnServerParams,
  VerifyOnServerResult,
  WebhookAttempt,
  WebhookAttemptDetail,
  WebhookAttemptListParams,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointCreated,
  WebhookEndpointListParams,
  WebhookEndpointUpdateParams,
  WebhookEvent,
  WebhookMessage,
  WebhookMessageListParams,
} from "../models/webhooks.js";
import type { PagePromise } from "../pagination.js";
import type { ApiResponse } from "../response.js";
import {
  type SignOptions,
  type SignedHeaders,
  type VerifyOptions,
  type WebhookHeaders,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
} from "../webhook-signature.js";
import { Resource, segment } from "./resource.js";

const ENDPOINTS = "/api/v1/webhooks/endpoints";

/** Where the merchant's server receives events, in the key's mode. */
export class WebhookEndpoints extends Resource {
  /**
   * Registers an endpoint; its `secret` is in this answer only. With `verification: "challenge"`
   * it is challenged inside this call: pass a `secret` of your own (`webhooks.generateSecret()`)
   * that the receiver already checks signatures with, and it is verified as it is created.
   */
  async create(
    params: WebhookEndpointCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<WebhookEndpointCreated>> {
    return this.call("POST", ENDPOINTS, { body: params, options });
  }

  async retrieve(id: string, options?: RequestOptions): Promise<ApiResponse<WebhookEndpoint>> {
    return this.call("GET", `${ENDPOINTS}/${segment(id)}`, { options });
  }

  /** Oldest first. */
  list(params?: WebhookEndpointListParams, options?: RequestOptions): PagePromise<WebhookEndpoint> {
    return this.paginate(ENDPOINTS, params, options);
  }

  async update(
    id: string,
    params: WebhookEndpointUpdateParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<WebhookEndpoint>> {
    return this.call("PATCH", `${ENDPOINTS}/${segment(id)}`, { body: params, options });
  }

  /** Deletes the endpoint; its messages still waiting are canceled. */
  async delete(id: string, options?: RequestOptions): Promise<ApiResponse<Deleted>> {
    return this.remove(`${ENDPOINTS}/${segment(id)}`, id, options);
  }

  /** A new secret; the previous one keeps signing next to it until `previousSecretExpiresAt`. */
  async rotateSecret(
    id: string,
    params?: SecretRotateParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<SecretRotated>> {
    return this.call("POST", `${ENDPOINTS}/${segment(id)}/rotate-secret`, {
      body: params,
      options,
    });
  }

  /** Queues a sample event (`data.test: true`), delivered and retried like a real one. */
  async sendTest(
    id: string,
    params?: TestEventParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<WebhookMessage>> {
    return this.call("POST", `${ENDPOINTS}/${segment(id)}/test`, { body: params, options });
  }

  /** Sends a signed `webhook.ping` at once and reports the answer and its latency. */
  async ping(id: string, options?: RequestOptions): Promise<ApiResponse<PingResult>> {
    return this.call("POST", `${ENDPOINTS}/${segment(id)}/ping`, { options });
  }

  /**
   * Sends an endpoint with the handshake (`verification: "challenge"`) a new signed challenge now;
   * answers the endpoint, enabled if it echoed. (`webhooks.verify` checks signatures instead.)
   */
  async challenge(id: string, options?: RequestOptions): Promise<ApiResponse<WebhookEndpoint>> {
    return this.call("POST", `${ENDPOINTS}/${segment(id)}/verify`, { options });
  }

  /** Queues again every event of the window that the endpoint subscribes to. */
  async replay(
    id: string,
    params: ReplayParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<ReplayResult>> {
    return this.call("POST", `${ENDPOINTS}/${segment(id)}/replay`, { body: params, options });
  }
}

/** Messages: one event on its way to one endpoint. */
export class WebhookMessages extends Resource {
  /** Newest first. */
  list(params?: WebhookMessageListParams, options?: RequestOptions): PagePromise<WebhookMessage> {
    return this.paginate("/api/v1/webhooks/messages", params, options);
  }
}

/** The log of every delivery attempt. */
export class WebhookAttempts extends Resource {
  /** Newest first. */
  list(params?: WebhookAttemptListParams, options?: RequestOptions): PagePromise<WebhookAttempt> {
    return this.paginate("/api/v1/webhooks/attempts", params, options);
  }

  /** One attempt with the request sent and the response received. */
  async retrieve(id: string, options?: RequestOptions): Promise<ApiResponse<WebhookAttemptDetail>> {
    return this.call("GET", `/api/v1/webhooks/attempts/${segment(id)}`, { options });
  }

  /** Sends the attempt's message again now, with the same `webhook-id`; returns the new attempt. */
  async retry(id: string, options?: RequestOptions): Promise<ApiResponse<WebhookAttemptDetail>> {
    return this.call("POST", `/api/v1/webhooks/${segment(id)}/retry`, { options });
  }
}

/** Checking signatures: locally (`verify`, what a receiver does) or by Expe (`verifyOnServer`). */
export class Webhooks extends Resource {
  /**
   * Returns the event of a genuine delivery; throws `SignatureVerificationError` otherwise.
   * `payload` is the raw body as received, not parsed JSON.
   */
  verify<Data = Record<string, unknown>>(
    payload: string | Uint8Array,
    headers: WebhookHeaders,
    secret: string,
    options?: VerifyOptions,
  ): WebhookEvent<Data> {
    return verifyWebhook<Data>(payload, headers, secret, options);
  }

  /** A new signing secret (`whsec_…`) to create an endpoint with, as `secret`. */
  generateSecret(): string {
    return generateWebhookSecret();
  }

  /** Signs a payload as Expe would, for testing a receiver. */
  sign(payload: string | Uint8Array, secret: string, options?: SignOptions): SignedHeaders {
    return signWebhook(payload, secret, options);
  }

  /** Asks Expe to check a delivery as a receiver would, and to say why it fails. */
  async verifyOnServer(
    params: VerifyOnServerParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<VerifyOnServerResult>> {
    return this.call("POST", "/api/v1/webhooks/verify", { body: params, options });
  }
}
