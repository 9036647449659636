import type { RequestOptions } from "../http.js";
import type {
  CheckoutConfirmParams,
  CheckoutPayment,
  ClientSecretParams,
  Payment,
  UpiCompleteParams,
} from "../models/payments.js";
import type { ApiResponse } from "../response.js";
import { Resource, clientSecretHeader, segment } from "./resource.js";

const CHECKOUT = "/api/v1/checkout/payments";

/**
 * What the hosted checkout page does, opened by the payment's client secret (with a publishable
 * key, or no key at all); a merchant's secret key needs no client secret. The customer's side
 * gets what the page shows (`CheckoutPayment`), the merchant's the whole `Payment`.
 */
export class Checkout extends Resource {
  async retrieve(
    paymentId: string,
    params: ClientSecretParams = {},
    options?: RequestOptions,
  ): Promise<ApiResponse<CheckoutPayment>> {
    return this.call("GET", `${CHECKOUT}/${segment(paymentId)}`, {
      headers: clientSecretHeader(params.clientSecret),
      options,
    });
  }

  /** Pays: a sandbox card completes at once (a decline throws `CardError`); UPI QR starts processing. */
  async confirm(
    paymentId: string,
    params: CheckoutConfirmParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<CheckoutPayment | Payment>> {
    const { clientSecret, ...body } = params;
    return this.call("POST", `${CHECKOUT}/${segment(paymentId)}/confirm`, {
      body,
      headers: clientSecretHeader(clientSecret),
      options,
    });
  }

  /** Test mode: the customer's UPI app reports the QR payment's outcome. */
  async completeUpi(
    paymentId: string,
    params: UpiCompleteParams,
    options?: RequestOptions,
  ): Promise<ApiResponse<CheckoutPayment | Payment>> {
    const { clientSecret, ...body } = params;
    return this.call("POST", `${CHECKOUT}/${segment(paymentId)}/sandbox/upi-complete`, {
      body,
      headers: clientSecretHeader(clientSecret),
      options,
    });
  }
}
