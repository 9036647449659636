import type {
  CheckoutLink,
  Invoice,
  Merchant,
  Payment,
  PaymentLink,
  SavedCard,
  Plan,
  Subscription,
  TokenPair,
  User,
} from "../api/types";

export const user: User = {
  id: "usr_1",
  email: "dev@example.com",
  name: "Dev",
  emailVerified: true,
  twoFactorEnabled: false,
  platformAdmin: false,
  createdAt: "2026-11-01T10:00:00Z",
  timezone: "Asia/Kolkata",
  notifications: { paymentFailures: true, webhookFailures: true, weeklySummary: false },
};

export const tokens: TokenPair = {
  accessToken: "at_1",
  tokenType: "Bearer",
  expiresIn: 900,
  refreshToken: "rt_1",
  user,
};

export const merchant: Merchant = {
  id: "mer_1",
  name: "Chai Point",
  country: "IN",
  defaultCurrency: "INR",
  status: "unverified",
  plan: "standard",
  createdAt: "2026-11-01T10:00:00Z",
  role: "owner",
};

export function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: "pay_1",
    merchantId: "mer_1",
    mode: "test",
    status: "succeeded",
    amount: 49900,
    currency: "INR",
    amountRefunded: 0,
    orderId: "order-1",
    description: "Chai",
    customer: { email: "buyer@example.com" },
    metadata: { cart: "c1" },
    allowedMethods: ["card", "upi_qr", "wallet"],
    method: "card",
    card: { brand: "visa", last4: "4242", expMonth: 12, expYear: 2030, fingerprint: "fp_1" },
    checkoutUrl: "http://localhost/checkout/pay_1#pay_1_secret_x",
    qrPayload: "upi://pay?pa=expe@upi&am=499.00",
    expiresAt: "2026-12-02T10:00:00Z",
    createdAt: "2026-12-01T10:00:00Z",
    updatedAt: "2026-12-01T10:01:00Z",
    ...overrides,
  };
}

export function paymentLink(overrides: Partial<PaymentLink> = {}): PaymentLink {
  return {
    id: "plink_1",
    slug: "Xk2p9Qa7",
    url: "http://localhost:8000/pay/Xk2p9Qa7",
    mode: "test",
    status: "active",
    amount: 49900,
    minAmount: null,
    maxAmount: null,
    currency: "INR",
    description: "Yoga class, 10 sessions",
    reusable: true,
    maxUses: 50,
    expiresAt: null,
    metadata: {},
    createdAt: "2026-12-01T10:00:00Z",
    updatedAt: "2026-12-01T10:00:00Z",
    deactivatedAt: null,
    stats: { views: 12, paymentsStarted: 5, paid: 3, conversion: 0.25, revenue: 149700 },
    ...overrides,
  };
}

/** The public view of `paymentLink()`. */
export function checkoutLink(overrides: Partial<CheckoutLink> = {}): CheckoutLink {
  return {
    slug: "Xk2p9Qa7",
    merchantName: "Chai Point",
    description: "Yoga class, 10 sessions",
    amount: 49900,
    minAmount: null,
    maxAmount: null,
    currency: "INR",
    status: "active",
    mode: "test",
    ...overrides,
  };
}

export function plan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: "plan_1",
    name: "Chai club",
    amount: 49900,
    currency: "INR",
    interval: "month",
    intervalCount: 1,
    trialDays: 0,
    retryDays: [1, 3, 5, 7],
    finalStatus: "canceled",
    mode: "test",
    createdAt: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

export function savedCard(overrides: Partial<SavedCard> = {}): SavedCard {
  return {
    id: "pm_1",
    type: "card",
    card: {
      brand: "visa",
      last4: "4242",
      expMonth: 12,
      expYear: 2030,
      fingerprint: "fp_1",
      country: "US",
    },
    customer: { email: "buyer@example.com" },
    mode: "test",
    createdAt: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

export function subscription(overrides: Partial<Subscription> = {}): Subscription {
  return {
    id: "sub_1",
    planId: "plan_1",
    plan: {
      name: "Chai club",
      amount: 49900,
      currency: "INR",
      interval: "month",
      intervalCount: 1,
    },
    status: "active",
    customer: { email: "buyer@example.com" },
    paymentMethodId: "pm_1",
    currentPeriodStart: "2026-12-01T10:00:00Z",
    currentPeriodEnd: "2027-01-01T10:00:00Z",
    trialEnd: null,
    cancelAtPeriodEnd: false,
    canceledAt: null,
    pausedAt: null,
    dunning: null,
    testClock: null,
    latestInvoiceId: "in_1",
    creditBalance: 0,
    mode: "test",
    createdAt: "2026-12-01T10:00:00Z",
    updatedAt: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

export function invoice(overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: "in_1",
    subscriptionId: "sub_1",
    number: 1,
    periodStart: "2026-12-01T10:00:00Z",
    periodEnd: "2027-01-01T10:00:00Z",
    amount: 49900,
    currency: "INR",
    status: "paid",
    attempts: [
      { paymentId: "pay_1", status: "succeeded", failureCode: null, at: "2026-12-01T10:00:00Z" },
    ],
    paidAt: "2026-12-01T10:00:00Z",
    lines: [{ description: "Chai club", amount: 49900 }],
    createdAt: "2026-12-01T10:00:00Z",
    ...overrides,
  };
}

export function page<T>(
  data: T[],
  extra: Partial<{ page: number; limit: number; total: number; hasMore: boolean }> = {},
) {
  return { data, page: 1, limit: 50, total: data.length, hasMore: false, ...extra };
}
