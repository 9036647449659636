/**
 * What the suite runs against: the stack's gateway and a sandbox merchant's keys, from the
 * environment (`make test` sets them; against `make run`, take them from
 * `.venv/bin/python -m devstack account run`).
 */

import Expe, {
  type CheckoutPayment,
  type ExpeClient,
  type ExpeOptions,
  type Payment,
} from "expe-node";

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(
      `${name} is not set: the suite runs against a real stack (see README.md, Development).`,
    );
  }
  return value;
}

export const env = {
  get apiUrl(): string {
    return required("EXPE_API_URL");
  },
  get secretKey(): string {
    return required("EXPE_SECRET_KEY");
  },
  get publishableKey(): string {
    return required("EXPE_PUBLISHABLE_KEY");
  },
  get merchantId(): string {
    return required("EXPE_MERCHANT_ID");
  },
  /** A verified user's email address, the recipient of transfers by email. */
  get recipientEmail(): string {
    return required("EXPE_RECIPIENT_EMAIL");
  },
};

/** A client on the merchant's secret key. */
export function merchant(options: ExpeOptions = {}): ExpeClient {
  return Expe(env.secretKey, { baseUrl: env.apiUrl, ...options });
}

/** A client as the customer's browser has it on the hosted checkout: the publishable key. */
export function customer(): ExpeClient {
  return Expe(env.publishableKey, { baseUrl: env.apiUrl });
}

export const SANDBOX_CARD = { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" };
export const DECLINED_CARD = { ...SANDBOX_CARD, number: "4000000000000002" };

/** A unique order id, so that tests sharing the merchant find their own payments. */
export function orderId(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Creates a payment and pays it on the checkout with a sandbox card, as a customer would. */
export async function paidPayment(
  amount = 2500,
  card = SANDBOX_CARD,
): Promise<CheckoutPayment | Payment> {
  const payment = await merchant().payments.create({
    amount,
    currency: "INR",
    orderId: orderId("paid"),
  });
  return customer().checkout.confirm(payment.id, {
    clientSecret: payment.clientSecret!,
    method: "card",
    card,
  });
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
