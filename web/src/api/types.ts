// The API's shapes (camelCase on the wire), written once from the services' schemas.

export type Mode = "test" | "live";
export type Role = "owner" | "developer" | "viewer";

export interface ErrorBody {
  error: {
    type: string;
    code: string;
    message: string;
    param?: string | null;
    requestId?: string | null;
  };
}

export interface Page<T> {
  data: T[];
  page: number;
  limit: number;
  total: number;
  hasMore: boolean;
}

export interface NotificationPreferences {
  paymentFailures: boolean;
  webhookFailures: boolean;
  weeklySummary: boolean;
}

export interface User {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  platformAdmin: boolean;
  createdAt: string;
  timezone?: string | null;
  notifications?: NotificationPreferences | null;
}

export interface TokenPair {
  accessToken: string;
  tokenType: "Bearer";
  expiresIn: number;
  refreshToken: string;
  user: User;
}

export interface Merchant {
  id: string;
  name: string;
  country: string;
  defaultCurrency: string;
  status: "unverified" | "verified";
  plan: string;
  createdAt: string;
  verifiedAt?: string | null;
  role?: Role | null;
}

export interface Project {
  id: string;
  merchantId: string;
  name: string;
  createdAt: string;
}

export type KeyType = "secret" | "publishable";

export interface ApiKey {
  id: string;
  merchantId: string;
  projectId: string;
  name: string | null;
  type: KeyType;
  mode: Mode;
  prefix: string;
  last4: string;
  status: "active" | "expiring" | "revoked";
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  ipAllowlist: string[];
  replaces?: string | null;
  replacedBy?: string | null;
}

export interface ApiKeyCreated extends ApiKey {
  secret: string;
}

export interface Member {
  merchantId: string;
  userId: string;
  email: string | null;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  merchantId: string;
  email: string;
  role: "developer" | "viewer";
  status: "pending" | "accepted";
  createdAt: string;
  expiresAt: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  at: string;
  actor: { type: string; userId?: string | null; email?: string | null; keyId?: string | null };
  target: Record<string, unknown>;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface TwoFactorEnrolment {
  secret: string;
  otpauthUri: string;
  qrCodePng: string;
}

export interface RateLimit {
  name: string;
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimits {
  enabled: boolean;
  data: RateLimit[];
}

export type PaymentStatus =
  "created" | "processing" | "succeeded" | "failed" | "canceled" | "expired";
export type PaymentMethod = "card" | "upi_qr" | "wallet";

export interface Card {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  fingerprint: string;
}

export interface Payment {
  id: string;
  merchantId: string;
  mode: Mode;
  status: PaymentStatus;
  amount: number;
  currency: string;
  amountRefunded: number;
  orderId: string;
  description?: string | null;
  customer?: { email?: string } | null;
  metadata: Record<string, string>;
  allowedMethods: PaymentMethod[];
  method?: PaymentMethod | null;
  card?: Card | null;
  walletId?: string | null;
  merchantWalletId?: string | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  checkoutUrl: string;
  qrPayload: string;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
  /** The payment link the customer paid through, if any. */
  paymentLinkId?: string | null;
}

export interface Transition {
  from: string | null;
  to: PaymentStatus;
  at: string;
  cause: string;
  actor: { type: string; id?: string | null };
}

export interface PaymentHistory {
  paymentId: string;
  data: Transition[];
}

export interface Refund {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: "succeeded";
  reason?: string | null;
  amountRefunded: number;
  createdAt: string;
  mode: Mode;
}

export interface CheckoutPayment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  orderId: string;
  description?: string | null;
  allowedMethods: PaymentMethod[];
  qrPayload: string;
  expiresAt: string;
  failureCode?: string | null;
  mode?: Mode;
  merchant?: { id: string; name: string } | null;
  returnUrl?: string | null;
}

export interface ListFilters {
  status?: PaymentStatus[];
  from?: string;
  to?: string;
  minAmount?: number;
  maxAmount?: number;
  q?: string;
  paymentLinkId?: string;
}

/** "challenge": the endpoint must echo a signed challenge before it gets events. */
export type Verification = "none" | "challenge";
export type EndpointStatus = "enabled" | "disabled" | "pending_verification";

export interface HandshakeFailure {
  /** timeout, connection_error, dns_error, address_not_allowed, http_status, challenge_mismatch */
  code: string;
  message: string;
  responseStatus?: number | null;
  /** The start of what the endpoint answered. */
  responseBody?: string | null;
}

export interface Handshake {
  status: "pending" | "verified";
  challengedAt?: string | null;
  verifiedAt?: string | null;
  attemptId?: string | null;
  failure?: HandshakeFailure | null;
}

export interface Endpoint {
  id: string;
  url: string;
  mode: string;
  projectId?: string | null;
  description?: string | null;
  enabledEvents: string[];
  enabled: boolean;
  status: EndpointStatus;
  disabledReason?: string | null;
  disabledAt?: string | null;
  failingSince?: string | null;
  verification: Verification;
  handshake?: Handshake | null;
  createdAt: string;
  updatedAt: string;
}

export interface EndpointCreated extends Endpoint {
  secret: string;
}

export interface SecretRotated {
  endpointId: string;
  secret: string;
  previousSecretExpiresAt: string;
}

export type MessageStatus = "pending" | "delivered" | "failed" | "canceled";
export type AttemptStatus = "sending" | "succeeded" | "failed";

export interface Message {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  paymentId?: string | null;
  trigger: string;
  status: MessageStatus;
  attemptCount: number;
  nextAttemptAt?: string | null;
  deliveredAt?: string | null;
  reason?: string | null;
  createdAt: string;
}

export interface Attempt {
  id: string;
  messageId?: string | null;
  endpointId: string;
  eventId?: string | null;
  eventType: string;
  paymentId?: string | null;
  trigger: string;
  status: AttemptStatus;
  url: string;
  responseStatus?: number | null;
  latencyMs?: number | null;
  error?: { code: string; message?: string | null } | null;
  startedAt: string;
  finishedAt?: string | null;
}

export interface AttemptDetail extends Attempt {
  request?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
}

export interface MessageWithAttempts extends Message {
  attempts: Attempt[];
}

export interface PaymentWebhooks {
  paymentId: string;
  data: MessageWithAttempts[];
}

export interface PingResult {
  endpointId: string;
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error?: { code: string; message?: string | null } | null;
  attemptId: string;
}

export interface VerifyResult {
  valid: boolean;
  reason: string | null;
  message: string;
}

export interface Wallet {
  id: string;
  currency: string;
  mode: string;
  available: number;
  held: number;
  total: number;
  owner: { type: "user" | "merchant" | "system"; id: string };
  createdAt: string;
}

export interface Movement {
  id: string;
  type: string;
  status: "pending" | "succeeded" | "failed";
  amount: number;
  currency: string;
  mode: string;
  fromWalletId?: string | null;
  toWalletId?: string | null;
  note?: string | null;
  failureCode?: string | null;
  failureMessage?: string | null;
  createdAt: string;
  finishedAt?: string | null;
}

export interface Entry {
  id: string;
  seq: number;
  movementId: string;
  kind: string;
  status: "posted" | "declined";
  amount: number;
  availableChange: number;
  heldChange: number;
  available: number;
  held: number;
  createdAt: string;
}

export interface DayTotals {
  /** Payments created. */
  count: number;
  succeeded: number;
  /** Amount succeeded, in minor units. */
  volume: number;
  failed: number;
  /** Refunds issued, and the amount they refunded. */
  refunds?: number;
  refunded: number;
  successRate?: number | null;
}

export interface CurrencyOverview {
  currency: string;
  today: DayTotals;
  month: DayTotals;
  days: (DayTotals & { date: string })[];
}

export interface Overview {
  timezone?: string;
  currencies: CurrencyOverview[];
}

// A merchant's analytics over a range of UTC days (GET /merchants/{id}/analytics).

export type Granularity = "day" | "week" | "month";

/** Figures of a range or a period; amounts in minor units of the currency. */
export interface AnalyticsFigures {
  created: number;
  succeeded: number;
  /** Amount succeeded (gross volume). */
  volume: number;
  failed: number;
  refunds: number;
  refunded: number;
  newCustomers: number;
  newCustomerVolume: number;
  returningPayments: number;
  returningVolume: number;
  /** Volume less refunded. */
  net: number;
  successRate: number | null;
  averageOrderValue: number | null;
}

export interface AnalyticsPeriod extends AnalyticsFigures {
  /** First and last UTC day of the period, both included. */
  start: string;
  end: string;
}

export interface AnalyticsBreakdown {
  succeeded: number;
  volume: number;
  failed: number;
  successRate: number | null;
}

export interface AnalyticsCurrency {
  currency: string;
  totals: AnalyticsFigures;
  periods: AnalyticsPeriod[];
  methods: (AnalyticsBreakdown & { method: string })[];
  countries: (AnalyticsBreakdown & { country: string })[];
  failures: { code: string; count: number }[];
  /** Of all time, not of the range. */
  topCustomers: { customerId: string; label: string | null; payments: number; volume: number }[];
}

export interface CohortRetention {
  /** "2026-11" */
  month: string;
  customers: number;
  rate: number;
}

export interface Cohort {
  /** The month of the customers' first payment, "2026-10". */
  month: string;
  customers: number;
  retention: CohortRetention[];
}

export interface MerchantAnalytics {
  merchantId: string;
  mode: Mode;
  from: string;
  to: string;
  granularity: Granularity;
  currencies: AnalyticsCurrency[];
  cohorts: Cohort[];
}

export interface AnalyticsQuery {
  from: string;
  to: string;
  granularity: Granularity;
  currency?: string;
}

/**
 * inactive: deactivated by the merchant; expired: past expiresAt; completed: every use paid (a
 * one-time link once paid).
 */
export type PaymentLinkStatus = "active" | "inactive" | "expired" | "completed";

export interface PaymentLinkStats {
  /** Times the public page was opened. */
  views: number;
  paymentsStarted: number;
  /** Payments started from the link that succeeded. */
  paid: number;
  /** paid / views, 0..1 (0 without views). */
  conversion: number;
  /** The paid payments' amounts, in the link's currency. */
  revenue: number;
}

export interface PaymentLink {
  id: string;
  slug: string;
  /** The public page, /pay/{slug}. */
  url: string;
  mode: Mode;
  status: PaymentLinkStatus;
  /** null: the customer enters the amount, within minAmount..maxAmount. */
  amount: number | null;
  minAmount: number | null;
  maxAmount: number | null;
  currency: string;
  description: string;
  /** false: paid at most once. */
  reusable: boolean;
  /** Reusable links only; null: no limit. */
  maxUses: number | null;
  expiresAt: string | null;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  deactivatedAt: string | null;
  stats: PaymentLinkStats;
}

export interface PaymentLinkCreate {
  currency: string;
  description: string;
  amount?: number;
  minAmount?: number;
  maxAmount?: number;
  reusable?: boolean;
  maxUses?: number;
  expiresAt?: string;
  metadata?: Record<string, string>;
}

/** What the customer's browser sees of a link (no credentials). */
export interface CheckoutLink {
  slug: string;
  /** null when the merchant's name could not be looked up. */
  merchantName: string | null;
  description: string;
  amount: number | null;
  minAmount: number | null;
  maxAmount: number | null;
  currency: string;
  status: PaymentLinkStatus;
  mode: Mode;
}

export interface CheckoutLinkPayment {
  paymentId: string;
  /** The hosted checkout: /checkout/{paymentId}#{clientSecret}. */
  checkoutUrl: string;
}

// Subscriptions: plans, saved cards, subscriptions and their invoices.

export type PlanInterval = "day" | "week" | "month" | "year";
/** What a subscription becomes when its last dunning retry fails. */
export type PlanFinalStatus = "canceled" | "unpaid";

export interface Plan {
  id: string;
  name: string;
  amount: number;
  currency: string;
  interval: PlanInterval;
  /** Billed every `intervalCount` intervals (3 + month: quarterly). */
  intervalCount: number;
  trialDays: number;
  /** Days after a failed renewal on which the charge is retried. */
  retryDays: number[];
  finalStatus: PlanFinalStatus;
  mode: Mode;
  createdAt: string;
}

export interface PlanCreate {
  name: string;
  amount: number;
  currency: string;
  interval: PlanInterval;
  intervalCount: number;
  trialDays: number;
  retryDays?: number[];
  finalStatus?: PlanFinalStatus;
}

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export interface SavedCardCreate {
  card: CardInput;
  customer?: { email: string };
}

/** A saved sandbox card (a `pm_…` payment method); the number is never stored. */
export interface SavedCard {
  id: string;
  type: "card";
  card: {
    brand: string;
    last4: string;
    expMonth: number;
    expYear: number;
    fingerprint: string;
    country: string | null;
  };
  customer: { email: string } | null;
  mode: Mode;
  createdAt: string;
}

export type SubscriptionStatus =
  "trialing" | "active" | "past_due" | "paused" | "canceled" | "unpaid" | "incomplete";

export interface Subscription {
  id: string;
  planId: string;
  plan: Pick<Plan, "name" | "amount" | "currency" | "interval" | "intervalCount">;
  status: SubscriptionStatus;
  customer: { email: string };
  paymentMethodId: string;
  currentPeriodStart: string;
  currentPeriodEnd: string;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  pausedAt: string | null;
  /** A failed renewal being retried; null when nothing is owed. */
  dunning: { invoiceId: string; attempt: number; nextAttemptAt: string | null } | null;
  /** Test mode: the subscription runs on its own clock, frozen at `frozenTime`. */
  testClock: { frozenTime: string } | null;
  latestInvoiceId: string | null;
  /** Minor units of the plan's currency, owed to the customer (proration). */
  creditBalance: number;
  mode: Mode;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionCreate {
  planId: string;
  customer: { email: string };
  paymentMethodId: string;
  testClock?: { frozenTime?: string };
}

export type InvoiceStatus = "open" | "paid" | "uncollectible" | "void";

export interface InvoiceAttempt {
  paymentId: string;
  status: "succeeded" | "failed";
  failureCode: string | null;
  at: string;
}

export interface Invoice {
  id: string;
  subscriptionId: string;
  /** The billing period's number, from 1. */
  number: number;
  periodStart: string;
  periodEnd: string;
  amount: number;
  currency: string;
  status: InvoiceStatus;
  attempts: InvoiceAttempt[];
  paidAt: string | null;
  lines: { description: string; amount: number }[];
  createdAt: string;
}

// Disputes: a customer's bank contests a payment; the merchant answers with evidence by `dueBy`.

export type DisputeStatus = "needs_response" | "under_review" | "won" | "lost";

export type DisputeReason =
  | "fraudulent"
  | "product_not_received"
  | "product_unacceptable"
  | "duplicate"
  | "subscription_canceled"
  | "unrecognized"
  | "general";

/** Where the disputed amount and the fee stand in the merchant's balance. */
export type DisputeFunds = "awaiting_funds" | "withheld" | "charged_back" | "reinstated";

export interface DisputeEvidence {
  customerName: string | null;
  customerEmail: string | null;
  productDescription: string | null;
  /** The calendar day the service was provided or the goods delivered, "YYYY-MM-DD". */
  serviceDate: string | null;
  shippingTrackingNumber: string | null;
  refundPolicy: string | null;
  uncategorizedText: string | null;
}

/** A partial update: the fields sent are replaced, null clears one. */
export type DisputeEvidenceUpdate = Partial<DisputeEvidence>;

export type DisputeFilePurpose =
  "receipt" | "customer_communication" | "shipping_documentation" | "refund_policy" | "other";

export type DisputeFileContentType = "application/pdf" | "image/png" | "image/jpeg";

export interface DisputeFileUpload {
  purpose: DisputeFilePurpose;
  filename: string;
  contentType: DisputeFileContentType;
  contentBase64: string;
}

export interface DisputeFile {
  id: string;
  purpose: string;
  filename: string;
  contentType: string;
  /** Bytes. */
  size: number;
  createdAt: string;
}

export interface Dispute {
  id: string;
  paymentId: string;
  mode: Mode;
  /** Minor units of `currency`, like the fee. */
  amount: number;
  fee: number;
  currency: string;
  reason: DisputeReason;
  status: DisputeStatus;
  funds: DisputeFunds;
  dueBy: string;
  evidence: DisputeEvidence;
  files: DisputeFile[];
  submittedAt: string | null;
  reviewEndsAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Test mode: opens a dispute on a payment; without an amount, the whole payment is disputed. */
export interface DisputeSimulate {
  reason: DisputeReason;
  amount?: number;
}
