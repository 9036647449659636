import type { RequestOptions } from "../http.js";
import type { ExportFile } from "../models/common.js";
import type {
  Payment,
  PaymentCancelParams,
  PaymentCreateParams,
  PaymentExportParams,
  PaymentHistory,
  PaymentListParams,
  Refund,
  RefundCreateParams,
  RefundList,
} from "../models/payments.js";
import type { PaymentWebhooks } from "../models/webhooks.js";
import type { PagePromise } from "../pagination.js";
import type { ApiResponse } from "../response.js";
import { Resource, segment } from "./resource.js";

const PAYMENTS = "/api/v1/payments";

export class Payments extends Resource {
  /** Creates a payment for the customer to pay on the hosted checkout or by UPI QR. */
  async create(
    params: PaymentCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<Payment>> {
    return this.call("POST", PAYMENTS, { body: params, options });
  }

  async retrieve(id: string, options?: RequestOptions): Promise<ApiResponse<Payment>> {
    return this.call("GET", `${PAYMENTS}/${segment(id)}`, { options });
  }

  /** The merchant's payments in the key's mode, newest first. */
  list(params?: PaymentListParams, options?: RequestOptions): PagePromise<Payment> {
    return this.paginate(PAYMENTS, params, options);
  }

  /** Cancels a payment not yet completed. */
  async cancel(
    id: string,
    params?: PaymentCancelParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<Payment>> {
    return this.call("POST", `${PAYMENTS}/${segment(id)}/cancel`, { body: params, options });
  }

  /** Refunds part of a succeeded payment, or (without `amount`) the rest of it. */
  async refund(
    id: string,
    params?: RefundCreateParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<Refund>> {
    return this.call("POST", `${PAYMENTS}/${segment(id)}/refund`, { body: params, options });
  }

  /** The payment's refunds, oldest first. */
  async listRefunds(id: string, options?: RequestOptions): Promise<ApiResponse<RefundList>> {
    return this.call("GET", `${PAYMENTS}/${segment(id)}/refunds`, { options });
  }

  /** Every state the payment went through: from, to, when, why and who. */
  async history(id: string, options?: RequestOptions): Promise<ApiResponse<PaymentHistory>> {
    return this.call("GET", `${PAYMENTS}/${segment(id)}/history`, { options });
  }

  /** Every payment the filters match, as CSV (the default) or Excel. */
  async export(
    params?: PaymentExportParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<ExportFile>> {
    return this.file(`${PAYMENTS}/export`, params, options);
  }

  /** Every webhook message about the payment, with its delivery attempts. */
  async listWebhooks(id: string, options?: RequestOptions): Promise<ApiResponse<PaymentWebhooks>> {
    return this.call("GET", `${PAYMENTS}/${segment(id)}/webhooks`, { options });
  }
}
