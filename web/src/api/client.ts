// The one typed client of the Expe API. Every request of the app goes through `request`, which
// adds the dashboard headers, refreshes an expired session once and turns error bodies into
// `ApiError`s.
import { refreshSession, session } from "../auth/session";
import { workspace } from "../workspace/store";
import type {
  ApiKey,
  ApiKeyCreated,
  Attempt,
  AttemptDetail,
  AttemptStatus,
  AuditEvent,
  CheckoutLink,
  CheckoutLinkPayment,
  CheckoutPayment,
  Dispute,
  DisputeEvidenceUpdate,
  DisputeFile,
  DisputeFileUpload,
  DisputeSimulate,
  DisputeStatus,
  Endpoint,
  EndpointCreated,
  Verification,
  Entry,
  ErrorBody,
  Invitation,
  ListFilters,
  Member,
  Merchant,
  Message,
  Mode,
  Movement,
  NotificationPreferences,
  Overview,
  AnalyticsQuery,
  MerchantAnalytics,
  Page,
  Payment,
  PaymentHistory,
  PaymentLink,
  PaymentLinkCreate,
  PaymentLinkStatus,
  SavedCard,
  SavedCardCreate,
  PaymentWebhooks,
  Plan,
  PlanCreate,
  PingResult,
  Project,
  RateLimits,
  Refund,
  Role,
  SecretRotated,
  Subscription,
  SubscriptionCreate,
  SubscriptionStatus,
  Invoice,
  TokenPair,
  TwoFactorEnrolment,
  User,
  VerifyResult,
  Wallet,
} from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly param: string | null;
  readonly requestId: string | null;
  readonly retryAfter: number | null;

  constructor(status: number, body: Partial<ErrorBody["error"]>, retryAfter: number | null = null) {
    super(body.message ?? `Request failed with status ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.type = body.type ?? "api_error";
    this.code = body.code ?? "unknown";
    this.param = body.param ?? null;
    this.requestId = body.requestId ?? null;
    this.retryAfter = retryAfter;
  }
}

export class NetworkError extends Error {
  constructor(message = "The network is unreachable. Check your connection and try again.") {
    super(message);
    this.name = "NetworkError";
  }
}

/** How a request authenticates. */
export type Auth =
  | "dashboard" // the logged-in user, acting for the selected merchant and mode
  | "user" // the logged-in user, no merchant (account routes)
  | "none"
  | { bearer?: string; clientSecret?: string; mode?: Mode };

export type Query = Record<string, string | number | boolean | string[] | undefined | null>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  auth?: Auth;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Return the raw Response (downloads). */
  raw?: boolean;
}

const BASE = "/api/v1";

export function buildQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, item);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

function headersFor(auth: Auth, options: RequestOptions): Headers {
  const headers = new Headers({ Accept: "application/json" });
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  if (options.idempotencyKey) headers.set("Idempotency-Key", options.idempotencyKey);
  if (auth === "dashboard" || auth === "user") {
    const token = session.accessToken();
    if (token) headers.set("Authorization", `Bearer ${token}`);
    if (auth === "dashboard") {
      const { merchantId, mode } = workspace.get();
      if (merchantId) headers.set("Expe-Merchant", merchantId);
      headers.set("Expe-Mode", mode);
    }
  } else if (auth !== "none") {
    if (auth.bearer) headers.set("Authorization", `Bearer ${auth.bearer}`);
    if (auth.clientSecret) headers.set("Expe-Client-Secret", auth.clientSecret);
    if (auth.mode) headers.set("Expe-Mode", auth.mode);
  }
  return headers;
}

async function errorOf(response: Response): Promise<ApiError> {
  const retryAfter = Number(response.headers.get("Retry-After")) || null;
  try {
    const body = (await response.json()) as Partial<ErrorBody>;
    if (body && typeof body === "object" && body.error) {
      return new ApiError(response.status, body.error, retryAfter);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(
    response.status,
    { message: `${response.status} ${response.statusText || "error"}`.trim() },
    retryAfter,
  );
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const auth = options.auth ?? "dashboard";
  try {
    return await fetch(`${BASE}${path}${buildQuery(options.query)}`, {
      method,
      headers: headersFor(auth, options),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new NetworkError();
  }
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const auth = options.auth ?? "dashboard";
  let response = await send(method, path, options);
  const usesSession = auth === "dashboard" || auth === "user";
  if (response.status === 401 && usesSession && session.storedRefreshToken()) {
    // The access token expired or was revoked: refresh once, then retry once.
    if (await refreshSession(refreshTokens)) response = await send(method, path, options);
  }
  if (!response.ok) throw await errorOf(response);
  if (options.raw) return response as T;
  if (response.status === 204) return undefined as T;
  // 202s may or may not carry a body (a replay says how many it queued; a resend says nothing).
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const get = <T>(path: string, options?: RequestOptions) => request<T>("GET", path, options);
const post = <T>(path: string, body?: unknown, options?: RequestOptions) =>
  request<T>("POST", path, { ...options, body });
const patch = <T>(path: string, body: unknown, options?: RequestOptions) =>
  request<T>("PATCH", path, { ...options, body });
const del = <T>(path: string, options?: RequestOptions) => request<T>("DELETE", path, options);

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

const enc = encodeURIComponent;

// Account.

export function refreshTokens(refreshToken: string): Promise<TokenPair> {
  return post<TokenPair>("/auth/refresh", { refreshToken }, { auth: "none" });
}

export interface LoginInput {
  email: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
}

export const auth = {
  register: (body: { email: string; password: string; name: string }) =>
    post<{ user: User }>("/auth/register", body, { auth: "none" }),
  verifyEmail: (token: string) =>
    post<{ user: User }>("/auth/verify-email", { token }, { auth: "none" }),
  resendVerification: (email: string) =>
    post<void>("/auth/verify-email/resend", { email }, { auth: "none" }),
  login: (body: LoginInput) => post<TokenPair>("/auth/login", body, { auth: "none" }),
  logout: () => post<void>("/auth/logout", undefined, { auth: "user" }),
  me: () => get<{ user: User }>("/auth/me", { auth: "user" }),
  updateMe: (body: { name?: string; timezone?: string; notifications?: NotificationPreferences }) =>
    patch<{ user: User }>("/auth/me", body, { auth: "user" }),
  forgotPassword: (email: string) =>
    post<void>("/auth/password/forgot", { email }, { auth: "none" }),
  resetPassword: (token: string, newPassword: string) =>
    post<void>("/auth/password/reset", { token, newPassword }, { auth: "none" }),
  changePassword: (currentPassword: string, newPassword: string) =>
    post<void>("/auth/password/change", { currentPassword, newPassword }, { auth: "user" }),
  enrollTwoFactor: () => post<TwoFactorEnrolment>("/auth/2fa/enroll", undefined, { auth: "user" }),
  confirmTwoFactor: (code: string) =>
    post<{ recoveryCodes: string[] }>("/auth/2fa/confirm", { code }, { auth: "user" }),
  disableTwoFactor: (code: string) => post<void>("/auth/2fa/disable", { code }, { auth: "user" }),
  auditLogs: (page: number) =>
    get<Page<AuditEvent>>("/auth/audit-logs", { auth: "user", query: { page, limit: 50 } }),
};

// Merchants, projects, keys, members.

export const merchants = {
  list: () => get<Page<Merchant>>("/merchants", { auth: "user", query: { limit: 100 } }),
  create: (body: { name: string; country: string; defaultCurrency: string }) =>
    post<Merchant>("/merchants", body, { auth: "user", idempotencyKey: newIdempotencyKey() }),
  projects: (merchantId: string) =>
    get<Page<Project>>(`/merchants/${enc(merchantId)}/projects`, {
      auth: "user",
      query: { limit: 100 },
    }),
  createProject: (merchantId: string, name: string) =>
    post<Project>(
      `/merchants/${enc(merchantId)}/projects`,
      { name },
      { auth: "user", idempotencyKey: newIdempotencyKey() },
    ),
  members: (merchantId: string) =>
    get<Page<Member>>(`/merchants/${enc(merchantId)}/members`, {
      auth: "user",
      query: { limit: 100 },
    }),
  invitations: (merchantId: string) =>
    get<{ data: Invitation[] }>(`/merchants/${enc(merchantId)}/invitations`, { auth: "user" }),
  invite: (merchantId: string, body: { email: string; role: "developer" | "viewer" }) =>
    post<Invitation>(`/merchants/${enc(merchantId)}/members`, body, {
      auth: "user",
      idempotencyKey: newIdempotencyKey(),
    }),
  changeRole: (merchantId: string, userId: string, role: Role) =>
    patch<Member>(
      `/merchants/${enc(merchantId)}/members/${enc(userId)}`,
      { role },
      { auth: "user" },
    ),
  removeMember: (merchantId: string, userId: string) =>
    del<void>(`/merchants/${enc(merchantId)}/members/${enc(userId)}`, { auth: "user" }),
  acceptInvitation: (token: string) =>
    post<Member>("/invitations/accept", { token }, { auth: "user" }),
  auditLogs: (merchantId: string, page: number, action?: string) =>
    get<Page<AuditEvent>>(`/merchants/${enc(merchantId)}/audit-logs`, {
      auth: "user",
      query: { page, limit: 50, action },
    }),
};

export const apiKeys = {
  list: (projectId: string, mode?: Mode) =>
    get<Page<ApiKey>>(`/projects/${enc(projectId)}/api-keys`, {
      auth: "user",
      query: { mode, limit: 100 },
    }),
  create: (
    projectId: string,
    body: { type: "secret" | "publishable"; mode: Mode; name?: string; ipAllowlist?: string[] },
  ) => post<ApiKeyCreated>(`/projects/${enc(projectId)}/api-keys`, body, { auth: "user" }),
  rotate: (keyId: string, gracePeriodSeconds?: number) =>
    post<ApiKeyCreated>(
      `/api-keys/${enc(keyId)}/rotate`,
      gracePeriodSeconds === undefined ? undefined : { gracePeriodSeconds },
      { auth: "user" },
    ),
  revoke: (keyId: string) =>
    post<ApiKey>(`/api-keys/${enc(keyId)}/revoke`, undefined, { auth: "user" }),
  update: (keyId: string, body: { name?: string; ipAllowlist?: string[] }) =>
    patch<ApiKey>(`/api-keys/${enc(keyId)}`, body, { auth: "user" }),
};

export const rateLimits = () => get<RateLimits>("/rate-limits");

// Payments.

export function filterQuery(filters: ListFilters): Query {
  return {
    status: filters.status,
    from: filters.from,
    to: filters.to,
    minAmount: filters.minAmount,
    maxAmount: filters.maxAmount,
    q: filters.q,
    paymentLinkId: filters.paymentLinkId,
  };
}

export const payments = {
  list: (filters: ListFilters, page: number, limit = 50) =>
    get<Page<Payment>>("/payments", { query: { ...filterQuery(filters), page, limit } }),
  export: (filters: ListFilters, format: "csv" | "xlsx") =>
    get<Response>("/payments/export", { query: { ...filterQuery(filters), format }, raw: true }),
  get: (id: string) => get<Payment>(`/payments/${enc(id)}`),
  history: (id: string) => get<PaymentHistory>(`/payments/${enc(id)}/history`),
  refunds: (id: string) => get<{ data: Refund[] }>(`/payments/${enc(id)}/refunds`),
  refund: (id: string, body: { amount?: number; reason?: string }) =>
    post<Refund>(`/payments/${enc(id)}/refund`, body, { idempotencyKey: newIdempotencyKey() }),
  cancel: (id: string, reason?: string) =>
    post<Payment>(`/payments/${enc(id)}/cancel`, reason ? { reason } : undefined),
  webhooks: (id: string) => get<PaymentWebhooks>(`/payments/${enc(id)}/webhooks`),
};

export const paymentLinks = {
  list: (status: PaymentLinkStatus[], page: number, limit = 50) =>
    get<Page<PaymentLink>>("/payment-links", { query: { status, page, limit } }),
  get: (id: string) => get<PaymentLink>(`/payment-links/${enc(id)}`),
  /** The caller holds the key, so that a retry of the same submission reuses it. */
  create: (body: PaymentLinkCreate, idempotencyKey: string) =>
    post<PaymentLink>("/payment-links", body, { idempotencyKey }),
  deactivate: (id: string) => post<PaymentLink>(`/payment-links/${enc(id)}/deactivate`),
};

// Subscriptions. Creating calls take the caller's key, so that a retry of the same submission
// reuses it; so does a plan change, which may charge the card.

export const plans = {
  list: (page: number, limit = 50) => get<Page<Plan>>("/plans", { query: { page, limit } }),
  get: (id: string) => get<Plan>(`/plans/${enc(id)}`),
  create: (body: PlanCreate, idempotencyKey: string) =>
    post<Plan>("/plans", body, { idempotencyKey }),
};

export const paymentMethods = {
  create: (body: SavedCardCreate, idempotencyKey: string) =>
    post<SavedCard>("/payment-methods", body, { idempotencyKey }),
};

export const subscriptions = {
  list: (status: SubscriptionStatus[], page: number, limit = 50) =>
    get<Page<Subscription>>("/subscriptions", { query: { status, page, limit } }),
  get: (id: string) => get<Subscription>(`/subscriptions/${enc(id)}`),
  invoices: (id: string, page: number, limit = 50) =>
    get<Page<Invoice>>(`/subscriptions/${enc(id)}/invoices`, { query: { page, limit } }),
  create: (body: SubscriptionCreate, idempotencyKey: string) =>
    post<Subscription>("/subscriptions", body, { idempotencyKey }),
  cancel: (id: string, atPeriodEnd: boolean) =>
    post<Subscription>(`/subscriptions/${enc(id)}/cancel`, { atPeriodEnd }),
  pause: (id: string) => post<Subscription>(`/subscriptions/${enc(id)}/pause`, {}),
  resume: (id: string) => post<Subscription>(`/subscriptions/${enc(id)}/resume`, {}),
  changePlan: (id: string, planId: string, idempotencyKey: string) =>
    post<Subscription>(`/subscriptions/${enc(id)}/change-plan`, { planId }, { idempotencyKey }),
  /** Test mode: runs the renewals and retries due up to `frozenTime` on the subscription's clock. */
  advanceClock: (id: string, frozenTime: string) =>
    post<Subscription>(`/subscriptions/${enc(id)}/test-clock/advance`, { frozenTime }),
};

// Disputes. An upload, a submission and a simulated dispute take the caller's key, so that a
// retry of the same attempt reuses it; saving evidence replaces fields, so it may simply repeat.

export const disputes = {
  list: (status: DisputeStatus[], page: number, limit = 50) =>
    get<Page<Dispute>>("/disputes", { query: { status, page, limit } }),
  get: (id: string) => get<Dispute>(`/disputes/${enc(id)}`),
  saveEvidence: (id: string, evidence: DisputeEvidenceUpdate) =>
    post<Dispute>(`/disputes/${enc(id)}/evidence`, evidence),
  uploadFile: (id: string, body: DisputeFileUpload, idempotencyKey: string) =>
    post<DisputeFile>(`/disputes/${enc(id)}/files`, body, { idempotencyKey }),
  /** The file's bytes, to save: the API needs auth headers, so a plain link cannot fetch it. */
  downloadFile: (id: string, fileId: string) =>
    get<Response>(`/disputes/${enc(id)}/files/${enc(fileId)}`, { raw: true }),
  /** Final: the evidence goes to review and can no longer change. */
  submit: (id: string, idempotencyKey: string) =>
    post<Dispute>(`/disputes/${enc(id)}/submit`, undefined, { idempotencyKey }),
  /** Test mode only. */
  simulate: (paymentId: string, body: DisputeSimulate, idempotencyKey: string) =>
    post<Dispute>(`/payments/${enc(paymentId)}/disputes`, body, { idempotencyKey }),
};

export const analytics = {
  overview: (days: number, tz: string) =>
    get<Overview>("/analytics/overview", { query: { days, tz } }),
  /** The merchant's figures over UTC days `from`..`to` (both included), in the current mode. */
  merchant: (merchantId: string, query: AnalyticsQuery) =>
    get<MerchantAnalytics>(`/merchants/${enc(merchantId)}/analytics`, {
      query: { ...query },
    }),
};

// Checkout: the payment's client secret, no dashboard session.

export interface ConfirmInput {
  method: "card" | "upi_qr" | "wallet";
  card?: { number: string; expMonth: number; expYear: number; cvc: string };
  walletId?: string;
}

export const checkout = {
  get: (id: string, clientSecret: string, bearer?: string) =>
    get<CheckoutPayment>(`/checkout/payments/${enc(id)}`, { auth: { clientSecret, bearer } }),
  confirm: (id: string, clientSecret: string, body: ConfirmInput, bearer?: string, mode?: Mode) =>
    post<Payment>(`/checkout/payments/${enc(id)}/confirm`, body, {
      auth: { clientSecret, bearer, mode },
      idempotencyKey: newIdempotencyKey(),
    }),
  simulateUpi: (id: string, clientSecret: string, outcome: "success" | "failure") =>
    post<Payment>(
      `/checkout/payments/${enc(id)}/sandbox/upi-complete`,
      { outcome },
      { auth: { clientSecret } },
    ),
  login: (body: LoginInput) => post<TokenPair>("/auth/login", body, { auth: "none" }),
  wallets: (bearer: string, mode: Mode) =>
    get<{ data: Wallet[] }>("/wallets", { auth: { bearer, mode } }),
  /** A payment link's public page: no credentials at all (the customer's browser). */
  link: (slug: string) => get<CheckoutLink>(`/checkout/links/${enc(slug)}`, { auth: "none" }),
  payLink: (slug: string, body: { amount?: number }, idempotencyKey: string) =>
    post<CheckoutLinkPayment>(`/checkout/links/${enc(slug)}/payments`, body, {
      auth: "none",
      idempotencyKey,
    }),
};

// Webhooks.

export interface AttemptFilters {
  status?: AttemptStatus;
  endpointId?: string;
  paymentId?: string;
}

// Every POST that sends or changes something carries its own key, so a repeated click or a
// retried request does not do it twice.
const once = () => ({ idempotencyKey: newIdempotencyKey() });

export const webhooks = {
  endpoints: () => get<Page<Endpoint>>("/webhooks/endpoints", { query: { limit: 100 } }),
  endpoint: (id: string) => get<Endpoint>(`/webhooks/endpoints/${enc(id)}`),
  create: (body: {
    url: string;
    enabledEvents: string[];
    description?: string;
    verification?: Verification;
  }) => post<EndpointCreated>("/webhooks/endpoints", body, once()),
  update: (
    id: string,
    body: {
      url?: string;
      enabledEvents?: string[];
      description?: string;
      enabled?: boolean;
      verification?: Verification;
    },
  ) => patch<Endpoint>(`/webhooks/endpoints/${enc(id)}`, body),
  remove: (id: string) => del<void>(`/webhooks/endpoints/${enc(id)}`),
  rotateSecret: (id: string, graceSeconds?: number) =>
    post<SecretRotated>(
      `/webhooks/endpoints/${enc(id)}/rotate-secret`,
      graceSeconds === undefined ? undefined : { graceSeconds },
      once(),
    ),
  ping: (id: string) => post<PingResult>(`/webhooks/endpoints/${enc(id)}/ping`, undefined, once()),
  /** Sends the endpoint a new verification challenge; answers the endpoint as it then stands. */
  verifyEndpoint: (id: string) =>
    post<Endpoint>(`/webhooks/endpoints/${enc(id)}/verify`, undefined, once()),
  test: (id: string, eventType: string) =>
    post<Message>(`/webhooks/endpoints/${enc(id)}/test`, { eventType }, once()),
  replay: (id: string, since: string, until?: string) =>
    post<{ endpointId: string; queued: number }>(
      `/webhooks/endpoints/${enc(id)}/replay`,
      { since, until },
      once(),
    ),
  attempts: (filters: AttemptFilters, page: number, limit = 50) =>
    get<Page<Attempt>>("/webhooks/attempts", {
      query: { ...filters, page, limit } as Query,
    }),
  attempt: (id: string) => get<AttemptDetail>(`/webhooks/attempts/${enc(id)}`),
  retry: (attemptId: string) =>
    post<AttemptDetail>(`/webhooks/${enc(attemptId)}/retry`, undefined, once()),
  verify: (body: {
    body: string;
    headers: Record<string, string>;
    secret: string;
    toleranceSeconds?: number;
  }) => post<VerifyResult>("/webhooks/verify", body),
};

// Wallets (in the dashboard: the merchant's wallets in the selected mode).

export const wallets = {
  list: () => get<{ data: Wallet[] }>("/wallets"),
  open: (currency: string) => post<Wallet>("/wallets", { currency }),
  entries: (id: string, page: number) =>
    get<Page<Entry>>(`/wallets/${enc(id)}/entries`, { query: { page, limit: 50 } }),
  statementCsv: (id: string) =>
    get<Response>(`/wallets/${enc(id)}/entries`, { query: { format: "csv" }, raw: true }),
  topup: (body: { walletId: string; amount: number; source: { type: "bank" | "upi" } }) =>
    post<Movement>("/topups", body, { idempotencyKey: newIdempotencyKey() }),
  transfer: (body: {
    fromWalletId: string;
    to: { walletId: string } | { email: string };
    amount: number;
    currency: string;
    note?: string;
  }) => post<Movement>("/transfers", body, { idempotencyKey: newIdempotencyKey() }),
};

/** A message fit to show a person for any error the client throws. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 429 && error.retryAfter) {
      return `${error.message} Try again in ${error.retryAfter} s.`;
    }
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
