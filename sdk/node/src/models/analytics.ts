import type { TimeInput } from "./common.js";

export interface SummaryParams {
  from?: TimeInput;
  to?: TimeInput;
}

export interface PaymentSummary {
  merchantId: string;
  mode: string;
  paymentsCreated: { currency: string; count: number; amount: number }[];
}

export interface OverviewParams {
  /** 1 to 90 (30 when left out). */
  days?: number;
  /** An IANA time zone for the days' boundaries, e.g. `Asia/Kolkata` (UTC when left out). */
  tz?: string;
}

/** Amounts in minor units of the currency. */
export interface Totals {
  count: number;
  succeeded: number;
  /** The amount of the succeeded payments. */
  volume: number;
  failed: number;
  refunds: number;
  refunded: number;
  /** Succeeded among the finished payments; null before any finished. */
  successRate: number | null;
}

export interface Overview {
  timezone: string;
  currencies: {
    currency: string;
    today: Totals;
    month: Totals;
    days: (Totals & { date: string })[];
  }[];
}

export interface RateLimitBucket {
  name: string;
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimits {
  enabled: boolean;
  data: RateLimitBucket[];
}
