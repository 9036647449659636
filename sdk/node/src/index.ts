/**
 * The Expe API from Node.js. `import Expe from "expe-node"` (or `require("expe-node")`), then
 * `Expe("sk_test_…")` or `new Expe("sk_test_…")`.
 */

import type { ExpeClient } from "./client.js";
import { Expe } from "./expe.js";

/** A client, as `new Expe(key)` makes it. */
type Expe = ExpeClient;

export { Expe };
export default Expe;

export { VERSION } from "./version.js";
export type { ExpeConstructor } from "./expe.js";
export {
  ExpeClient,
  type ExpeOptions,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_NETWORK_RETRIES,
  DEFAULT_TIMEOUT_MS,
} from "./client.js";
export type { RequestOptions, ResponseMeta } from "./http.js";
export type { ApiResponse } from "./response.js";
export { Page, type ListParams, type PageData, type PagePromise } from "./pagination.js";
export {
  ApiError,
  AuthenticationError,
  CardError,
  ConflictError,
  ConnectionError,
  ExpeError,
  IdempotencyError,
  InvalidRequestError,
  NotFoundError,
  PaymentError,
  PermissionError,
  RateLimitError,
  RequestTimeoutError,
  type ErrorDetails,
} from "./errors.js";
export {
  DEFAULT_TOLERANCE_SECONDS,
  SignatureVerificationError,
  generateWebhookSecret,
  signWebhook,
  verifyWebhook,
  type SignOptions,
  type SignedHeaders,
  type VerifyOptions,
  type WebhookHeaders,
} from "./webhook-signature.js";
export type * from "./models/common.js";
export type * from "./models/payments.js";
export type * from "./models/wallets.js";
export type * from "./models/webhooks.js";
export type * from "./models/analytics.js";
export type { Payments } from "./resources/payments.js";
export type { Checkout } from "./resources/checkout.js";
export type { Topups, Transfers, Wallets } from "./resources/wallets.js";
export type {
  Analytics,
  RateLimits as RateLimitsResource,
  Transactions,
} from "./resources/reports.js";
export type {
  WebhookAttempts,
  WebhookEndpoints,
  WebhookMessages,
  Webhooks,
} from "./resources/webhooks.js";
