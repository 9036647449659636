// Query keys of the one TanStack Query cache. Each starts with what a live event invalidates,
// then the merchant and mode, so switching merchant or mode never shows another's data.
import type { AttemptFilters } from "./client";
import type { AnalyticsQuery, ListFilters, Mode } from "./types";

type Scope = { merchantId: string | null; mode: Mode };
const s = (scope: Scope) => [scope.merchantId, scope.mode] as const;

export const qk = {
  me: ["me"] as const,
  merchants: ["merchants"] as const,
  projects: (merchantId: string) => ["projects", merchantId] as const,
  apiKeys: (projectId: string) => ["api-keys", projectId] as const,
  members: (merchantId: string) => ["members", merchantId] as const,
  invitations: (merchantId: string) => ["invitations", merchantId] as const,
  merchantAudit: (merchantId: string, page: number, action: string) =>
    ["merchant-audit", merchantId, page, action] as const,
  userAudit: (page: number) => ["user-audit", page] as const,
  rateLimits: (scope: Scope) => ["rate-limits", ...s(scope)] as const,
  paymentsList: (scope: Scope, filters: ListFilters, page: number) =>
    ["payments", "list", ...s(scope), filters, page] as const,
  recentPayments: (scope: Scope) => ["payments", "list", ...s(scope), "recent"] as const,
  payment: (scope: Scope, id: string) => ["payment", id, ...s(scope)] as const,
  paymentHistory: (scope: Scope, id: string) => ["payment", id, ...s(scope), "history"] as const,
  paymentRefunds: (scope: Scope, id: string) => ["payment", id, ...s(scope), "refunds"] as const,
  paymentWebhooks: (scope: Scope, id: string) => ["payment-webhooks", id, ...s(scope)] as const,
  paymentLinks: (scope: Scope, status: string, page: number) =>
    ["payment-links", "list", ...s(scope), status, page] as const,
  paymentLink: (scope: Scope, id: string) => ["payment-links", id, ...s(scope)] as const,
  plans: (scope: Scope, page: number) => ["plans", ...s(scope), page] as const,
  subscriptions: (scope: Scope, status: string, page: number) =>
    ["subscriptions", "list", ...s(scope), status, page] as const,
  subscription: (scope: Scope, id: string) => ["subscriptions", id, ...s(scope)] as const,
  subscriptionInvoices: (scope: Scope, id: string, page: number) =>
    ["subscriptions", id, ...s(scope), "invoices", page] as const,
  disputes: (scope: Scope, status: string, page: number) =>
    ["disputes", "list", ...s(scope), status, page] as const,
  dispute: (scope: Scope, id: string) => ["disputes", id, ...s(scope)] as const,
  overview: (scope: Scope, tz: string) => ["overview", ...s(scope), tz] as const,
  // Under "overview" so a payment's live event refreshes it too.
  merchantAnalytics: (scope: Scope, query: AnalyticsQuery) =>
    ["overview", ...s(scope), "merchant", query] as const,
  endpoints: (scope: Scope) => ["webhook-endpoints", ...s(scope)] as const,
  endpoint: (scope: Scope, id: string) => ["webhook-endpoints", ...s(scope), id] as const,
  attempts: (scope: Scope, filters: AttemptFilters, page: number) =>
    ["webhook-attempts", ...s(scope), filters, page] as const,
  attempt: (scope: Scope, id: string) => ["webhook-attempt", id, ...s(scope)] as const,
  wallets: (scope: Scope) => ["wallets", ...s(scope)] as const,
  entries: (scope: Scope, walletId: string, page: number) =>
    ["wallet-entries", walletId, ...s(scope), page] as const,
};
