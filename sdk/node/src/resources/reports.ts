import type { RequestOptions } from "../http.js";
import type {
  OverviewParams,
  Overview,
  PaymentSummary,
  RateLimits as RateLimitState,
  SummaryParams,
} from "../models/analytics.js";
import type { Payment } from "../models/payments.js";
import type { ListParams, PagePromise } from "../pagination.js";
import type { ApiResponse } from "../response.js";
import { Resource, segment } from "./resource.js";

export class Analytics extends Resource {
  /** Payments created per currency within [from, to). */
  async summary(
    params?: SummaryParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<PaymentSummary>> {
    return this.call("GET", "/api/v1/analytics/payments/summary", { query: params, options });
  }

  /** Today, this month and each of the last days, per currency, in the time zone `tz`. */
  async overview(
    params?: OverviewParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<Overview>> {
    return this.call("GET", "/api/v1/analytics/overview", { query: params, options });
  }
}

/** The merchant's payments as the dashboard's transactions page lists them. */
export class Transactions extends Resource {
  list(merchantId: string, params?: ListParams, options?: RequestOptions): PagePromise<Payment> {
    return this.paginate(
      () => `/api/v1/merchants/${segment(merchantId)}/transactions`,
      params,
      options,
    );
  }
}

export class RateLimits extends Resource {
  /** The caller's rate limit buckets and what is left of them now (asking costs nothing). */
  async retrieve(options?: RequestOptions): Promise<ApiResponse<RateLimitState>> {
    return this.call("GET", "/api/v1/rate-limits", { options });
  }
}
