import { Transport } from "./http.js";
import { Checkout } from "./resources/checkout.js";
import { Payments } from "./resources/payments.js";
import { Analytics, RateLimits, Transactions } from "./resources/reports.js";
import { Topups, Transfers, Wallets } from "./resources/wallets.js";
import {
  WebhookAttempts,
  WebhookEndpoints,
  WebhookMessages,
  Webhooks,
} from "./resources/webhooks.js";

export interface ExpeOptions {
  /** Where the API is: `EXPE_API_URL` from the environment, else `http://localhost:8000`. */
  baseUrl?: string;
  /** Milliseconds to wait for each attempt's answer (30 000). */
  timeout?: number;
  /** Retries of a transient failure: network errors, timeouts, 409 in use, 429 and 5xx (2). */
  maxNetworkRetries?: number;
  /** Headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
}

export const DEFAULT_BASE_URL = "http://localhost:8000";
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_NETWORK_RETRIES = 2;

function checkedCount(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be a whole number of at least ${minimum}, not ${value}.`);
  }
  return value;
}

/** A client for one API key: `sk_test_…`/`sk_live_…`, or a publishable `pk_…` for the checkout. */
export class ExpeClient {
  readonly payments: Payments;
  readonly checkout: Checkout;
  readonly wallets: Wallets;
  readonly topups: Topups;
  readonly transfers: Transfers;
  readonly transactions: Transactions;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly webhookMessages: WebhookMessages;
  readonly webhookAttempts: WebhookAttempts;
  readonly webhooks: Webhooks;
  readonly analytics: Analytics;
  readonly rateLimits: RateLimits;

  /** True for a test-mode key (`sk_test_`, `pk_test_`): sandbox money only. */
  readonly isTestMode: boolean;
  readonly baseUrl: string;
  readonly timeout: number;
  readonly maxNetworkRetries: number;

  constructor(apiKey: string, options: ExpeOptions = {}) {
    if (typeof apiKey !== "string" || apiKey.trim() === "") {
      throw new TypeError("An API key is required, e.g. new Expe('sk_test_…').");
    }
    this.isTestMode = /^(sk|pk)_test_/.test(apiKey);
    this.baseUrl = (options.baseUrl ?? (process.env["EXPE_API_URL"] || DEFAULT_BASE_URL)).replace(
      /\/+$/,
      "",
    );
    this.timeout = checkedCount("timeout", options.timeout ?? DEFAULT_TIMEOUT_MS, 1);
    this.maxNetworkRetries = checkedCount(
      "maxNetworkRetries",
      options.maxNetworkRetries ?? DEFAULT_MAX_NETWORK_RETRIES,
      0,
    );
    const transport = new Transport({
      apiKey,
      baseUrl: this.baseUrl,
      timeout: this.timeout,
      maxNetworkRetries: this.maxNetworkRetries,
      headers: { ...options.headers },
    });
    this.payments = new Payments(transport);
    this.checkout = new Checkout(transport);
    this.wallets = new Wallets(transport);
    this.topups = new Topups(transport);
    this.transfers = new Transfers(transport);
    this.transactions = new Transactions(transport);
    this.webhookEndpoints = new WebhookEndpoints(transport);
    this.webhookMessages = new WebhookMessages(transport);
    this.webhookAttempts = new WebhookAttempts(transport);
    this.webhooks = new Webhooks(transport);
    this.analytics = new Analytics(transport);
    this.rateLimits = new RateLimits(transport);
  }
}
