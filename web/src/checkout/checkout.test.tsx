import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { CheckoutPayment } from "../api/types";
import { apiError, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { brandOf, expiryInFuture, formatCardNumber, luhnValid, parseExpiry } from "./card";
import { returnTarget, secretFromHash } from "./returnUrl";

const SECRET = "pay_1_secret_abc";

function view(overrides: Partial<CheckoutPayment> = {}): CheckoutPayment {
  return {
    id: "pay_1",
    status: "created",
    amount: 49900,
    currency: "INR",
    orderId: "order-1",
    description: "Two cups of chai",
    allowedMethods: ["card", "upi_qr", "wallet"],
    qrPayload: "upi://pay?pa=expe@upi&am=499.00",
    expiresAt: "2026-12-02T10:00:00Z",
    failureCode: null,
    mode: "test",
    merchant: { id: "mer_1", name: "Chai Point" },
    returnUrl: null,
    ...overrides,
  };
}

function open(path = `/checkout/pay_1#${SECRET}`) {
  return renderApp(path, { loggedIn: false });
}

describe("card helpers", () => {
  it("checks and formats card input", () => {
    expect(luhnValid("4242 4242 4242 4242")).toBe(true);
    expect(luhnValid("4242 4242 4242 4241")).toBe(false);
    expect(luhnValid("42")).toBe(false);
    expect(formatCardNumber("4242424242424242")).toBe("4242 4242 4242 4242");
    expect(parseExpiry("12/30")).toEqual({ month: 12, year: 2030 });
    expect(parseExpiry("1 / 2031")).toEqual({ month: 1, year: 2031 });
    expect(parseExpiry("13/30")).toBeNull();
    expect(parseExpiry("soon")).toBeNull();
    expect(expiryInFuture({ month: 1, year: 2020 }, new Date("2026-12-01"))).toBe(false);
    expect(expiryInFuture({ month: 12, year: 2026 }, new Date("2026-12-01"))).toBe(true);
    expect(brandOf("4242")).toBe("Visa");
    expect(brandOf("5555")).toBe("Mastercard");
    expect(brandOf("3782")).toBe("American Express");
    expect(brandOf("6080")).toBe("RuPay");
    expect(brandOf("9")).toBeNull();
  });

  it("builds the return URL and reads the secret", () => {
    expect(returnTarget("https://shop.example/done?x=1", "pay_1", "succeeded")).toBe(
      "https://shop.example/done?x=1&paymentId=pay_1&status=succeeded",
    );
    expect(returnTarget("javascript:alert(1)", "pay_1", "failed")).toBeNull();
    expect(secretFromHash("#pay_1_secret_abc")).toBe("pay_1_secret_abc");
    expect(secretFromHash("")).toBeNull();
    expect(secretFromHash("#pay_1_secret_%E0%A4")).toBeNull();
  });
});

describe("the hosted checkout", () => {
  it("says the link is invalid without a secret", async () => {
    mockApi({});
    open("/checkout/pay_1");
    expect(
      await screen.findByRole("heading", { name: "This payment link is invalid" }),
    ).toBeInTheDocument();
  });

  it("says the link is invalid when the secret is wrong", async () => {
    mockApi({ "GET /api/v1/checkout/payments/pay_1": apiError(401, "client_secret_invalid") });
    open();
    expect(
      await screen.findByRole("heading", { name: "This payment link is invalid" }),
    ).toBeInTheDocument();
  });

  it("pays by card with the client secret and no session", async () => {
    let status: CheckoutPayment["status"] = "created";
    const api = mockApi({
      "GET /api/v1/checkout/payments/pay_1": () => view({ status }),
      "POST /api/v1/checkout/payments/pay_1/confirm": () => {
        status = "succeeded";
        return view({ status });
      },
    });
    open();
    expect(
      await screen.findByRole("heading", { name: "Chai Point", level: 1 }),
    ).toBeInTheDocument();
    expect(screen.getByText("Two cups of chai")).toBeInTheDocument();
    expect(screen.getByText("Test mode")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    expect(await screen.findByText("Enter a valid card number")).toBeInTheDocument();
    expect(screen.getByText("Enter the expiry as MM/YY")).toBeInTheDocument();
    await userEvent.click(screen.getByText("Test cards"));
    await userEvent.click(screen.getByRole("button", { name: "4242 4242 4242 4242" }));
    await userEvent.type(screen.getByLabelText("Expiry (MM/YY)"), "12/30");
    await userEvent.type(screen.getByLabelText("Security code (CVC)"), "123");
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    expect(await screen.findByRole("heading", { name: "Payment successful" })).toBeInTheDocument();
    const confirm = api.find("POST", "/api/v1/checkout/payments/pay_1/confirm")[0]!;
    expect(confirm.body).toEqual({
      method: "card",
      card: { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" },
    });
    expect(confirm.headers.get("Expe-Client-Secret")).toBe(SECRET);
    expect(confirm.headers.get("Authorization")).toBeNull();
  });

  it("explains a declined card", async () => {
    mockApi({
      "GET /api/v1/checkout/payments/pay_1": view(),
      "POST /api/v1/checkout/payments/pay_1/confirm": apiError(
        402,
        "card_declined",
        "Your card was declined.",
      ),
    });
    open();
    await userEvent.type(await screen.findByLabelText("Card number"), "4000000000000002");
    await userEvent.type(screen.getByLabelText("Expiry (MM/YY)"), "12/30");
    await userEvent.type(screen.getByLabelText("Security code (CVC)"), "123");
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    expect(await screen.findByText("The card was declined.")).toBeInTheDocument();
  });

  it("shows the UPI QR and completes when the sandbox app approves", async () => {
    let status: CheckoutPayment["status"] = "created";
    const api = mockApi({
      "GET /api/v1/checkout/payments/pay_1": () => view({ status }),
      "POST /api/v1/checkout/payments/pay_1/confirm": () => {
        status = "processing";
        return view({ status });
      },
      "POST /api/v1/checkout/payments/pay_1/sandbox/upi-complete": () => {
        status = "succeeded";
        return view({ status });
      },
    });
    open();
    await userEvent.click(await screen.findByRole("button", { name: "UPI" }));
    await userEvent.click(screen.getByRole("button", { name: "Show UPI QR code" }));
    expect(await screen.findByRole("img", { name: /UPI QR code/ })).toBeInTheDocument();
    expect(screen.getByText(/updates by itself/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Simulate UPI app" }));
    expect(await screen.findByRole("heading", { name: "Payment successful" })).toBeInTheDocument();
    expect(
      api.find("POST", "/api/v1/checkout/payments/pay_1/sandbox/upi-complete")[0]!.body,
    ).toEqual({ outcome: "success" });
  });

  it("pays from a wallet after an inline login", async () => {
    let status: CheckoutPayment["status"] = "created";
    const api = mockApi({
      "GET /api/v1/checkout/payments/pay_1": () => view({ status }),
      "POST /api/v1/auth/login": (call) =>
        (call.body as { totpCode?: string }).totpCode
          ? json({
              accessToken: "customer_at",
              refreshToken: "r",
              expiresIn: 900,
              tokenType: "Bearer",
              user: {},
            })
          : apiError(401, "two_factor_required"),
      "GET /api/v1/wallets": {
        data: [
          {
            id: "wal_1",
            currency: "INR",
            mode: "test",
            available: 100000,
            held: 0,
            total: 100000,
            owner: { type: "user", id: "usr_2" },
            createdAt: "2026-11-01T00:00:00Z",
          },
          {
            id: "wal_2",
            currency: "USD",
            mode: "test",
            available: 5,
            held: 0,
            total: 5,
            owner: { type: "user", id: "usr_2" },
            createdAt: "2026-11-01T00:00:00Z",
          },
        ],
      },
      "POST /api/v1/checkout/payments/pay_1/confirm": () => {
        status = "succeeded";
        return view({ status });
      },
    });
    open();
    await userEvent.click(await screen.findByRole("button", { name: "Wallet" }));
    await userEvent.type(screen.getByLabelText("Wallet email"), "buyer@example.com");
    await userEvent.type(screen.getByLabelText("Wallet password"), "a long passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Log in to pay" }));
    await userEvent.type(await screen.findByLabelText("Authentication code"), "123456");
    await userEvent.click(screen.getByRole("button", { name: "Log in to pay" }));
    expect(await screen.findByLabelText(/INR wallet · ₹1,000.00 available/)).toBeChecked();
    expect(screen.queryByText(/USD wallet/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00 from wallet" }));
    expect(await screen.findByRole("heading", { name: "Payment successful" })).toBeInTheDocument();
    const confirm = api.find("POST", "/api/v1/checkout/payments/pay_1/confirm")[0]!;
    expect(confirm.body).toEqual({ method: "wallet", walletId: "wal_1" });
    expect(confirm.headers.get("Authorization")).toBe("Bearer customer_at");
    expect(confirm.headers.get("Expe-Client-Secret")).toBe(SECRET);
  });

  it("shows expired, canceled and failed payments", async () => {
    mockApi({ "GET /api/v1/checkout/payments/pay_1": view({ status: "expired" }) });
    const { unmount } = open();
    expect(
      await screen.findByRole("heading", { name: "This payment link has expired" }),
    ).toBeInTheDocument();
    unmount();
    mockApi({
      "GET /api/v1/checkout/payments/pay_1": view({
        status: "failed",
        failureCode: "insufficient_funds",
      }),
    });
    open();
    expect(await screen.findByRole("heading", { name: "Payment failed" })).toBeInTheDocument();
    expect(screen.getByText(/There was not enough money/)).toBeInTheDocument();
  });

  it("counts down and returns to the merchant", async () => {
    const assign = vi.fn();
    Object.defineProperty(window, "location", {
      value: {
        ...window.location,
        assign,
        hash: `#${SECRET}`,
        pathname: "/checkout/pay_1",
        origin: "http://localhost",
      },
      configurable: true,
      writable: true,
    });
    mockApi({
      "GET /api/v1/checkout/payments/pay_1": view({
        status: "succeeded",
        returnUrl: "https://shop.example/thanks",
      }),
    });
    open();
    expect(await screen.findByText(/Returning you to Chai Point in 5 s/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Return now" })).toHaveAttribute(
      "href",
      "https://shop.example/thanks?paymentId=pay_1&status=succeeded",
    );
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5200));
    });
    await waitFor(() =>
      expect(assign).toHaveBeenCalledWith(
        "https://shop.example/thanks?paymentId=pay_1&status=succeeded",
      ),
    );
  }, 10_000);
});
