import type { ListParams } from "../pagination.js";
import type { Mode, TimeInput, Timestamp } from "./common.js";

export type PaymentStatus =
  "created" | "processing" | "succeeded" | "failed" | "canceled" | "expired";

export type PaymentMethod = "card" | "upi_qr" | "wallet";

export interface PaymentCreateParams {
  /** In minor units of the currency (paise for INR). */
  amount: number;
  /** ISO 4217, e.g. `INR`. */
  currency: string;
  /** Your own reference; the list's `q` finds it. */
  orderId: string;
  description?: string;
  customer?: { email: string };
  /** Up to 20 keys of your own, string values. */
  metadata?: Record<string, string>;
  /** When the payment expires if not paid (24 hours from now when left out). */
  expiresAt?: TimeInput;
  /** The methods the checkout offers (every method when left out). */
  allowedMethods?: PaymentMethod[];
  /** Where the hosted checkout sends the customer afterwards, with `paymentId` and `status`. */
  returnUrl?: string;
}

export interface PaymentFilters {
  status?: PaymentStatus | PaymentStatus[];
  /** Created at or after. */
  from?: TimeInput;
  /** Created before. */
  to?: TimeInput;
  minAmount?: number;
  maxAmount?: number;
  /** A payment id or an order id. */
  q?: string;
}

export interface PaymentListParams extends PaymentFilters, ListParams {}

export interface PaymentExportParams extends PaymentFilters {
  format?: "csv" | "xlsx";
}

export interface PaymentCancelParams {
  reason?: string;
}

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
  description: string | null;
  customer: { email: string } | null;
  metadata: Record<string, string>;
  allowedMethods: PaymentMethod[];
  method: PaymentMethod | null;
  card: Card | null;
  /** Paid by wallet: the customer's wallet paid from. */
  walletId: string | null;
  /** Paid by wallet: the merchant's wallet paid into. */
  merchantWalletId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  /** Send the customer here to pay; it carries the client secret after `#`. */
  checkoutUrl: string;
  /** Give it to this customer's browser only: it opens this payment on the checkout. */
  clientSecret: string | null;
  returnUrl: string | null;
  /** A UPI intent (`upi://pay?...`) to show as a QR code. */
  qrPayload: string;
  expiresAt: Timestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface RefundCreateParams {
  /** Minor units; the rest of the captured amount when left out. */
  amount?: number;
  reason?: string;
}

export interface Refund {
  id: string;
  paymentId: string;
  amount: number;
  currency: string;
  status: "succeeded";
  reason: string | null;
  /** The payment's refunded total once this refund counted. */
  amountRefunded: number;
  createdAt: Timestamp;
  mode: Mode;
}

export interface RefundList {
  data: Refund[];
}

export interface Transition {
  /** null for the payment's creation. */
  from: PaymentStatus | null;
  to: PaymentStatus;
  at: Timestamp;
  cause: string;
  actor: { type: string; id: string | null };
}

export interface PaymentHistory {
  paymentId: string;
  data: Transition[];
}

/** What the hosted checkout shows the paying customer. */
export interface CheckoutPayment {
  id: string;
  mode: Mode;
  merchant: { id: string; name: string | null };
  status: PaymentStatus;
  amount: number;
  currency: string;
  orderId: string;
  description: string | null;
  allowedMethods: PaymentMethod[];
  method: PaymentMethod | null;
  qrPayload: string;
  expiresAt: Timestamp;
  failureCode: string | null;
  failureMessage: string | null;
  returnUrl: string | null;
}

export interface CardInput {
  /** A sandbox card in test mode, e.g. `4242424242424242`. */
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** The payment's client secret, sent as the `Expe-Client-Secret` header, never in a body. */
export interface ClientSecretParams {
  /** Needed unless the client's key is the merchant's secret key. */
  clientSecret?: string;
}

export interface CheckoutConfirmParams extends ClientSecretParams {
  method: PaymentMethod;
  card?: CardInput;
  /** `method: "wallet"`: the logged-in customer's wallet. */
  walletId?: string;
}

export interface UpiCompleteParams extends ClientSecretParams {
  outcome: "success" | "failure";
}
