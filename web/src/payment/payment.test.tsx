import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { merchant, page, payment, tokens } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";

function routes(overrides = {}) {
  return {
    "GET /api/v1/merchants": page([merchant]),
    "GET /api/v1/auth/me": { user: tokens.user },
    "GET /api/v1/payments/pay_1": payment({ amountRefunded: 10000 }),
    "GET /api/v1/payments/pay_1/history": {
      paymentId: "pay_1",
      data: [
        {
          from: null,
          to: "created",
          at: "2026-12-01T10:00:00Z",
          cause: "payment_created",
          actor: { type: "api_key", id: "key_1" },
        },
        {
          from: "created",
          to: "succeeded",
          at: "2026-12-01T10:01:00Z",
          cause: "card_approved",
          actor: { type: "customer" },
        },
      ],
    },
    "GET /api/v1/payments/pay_1/refunds": {
      data: [
        {
          id: "re_1",
          paymentId: "pay_1",
          amount: 10000,
          currency: "INR",
          status: "succeeded",
          reason: "returned",
          amountRefunded: 10000,
          createdAt: "2026-12-01T11:00:00Z",
          mode: "test",
        },
      ],
    },
    "GET /api/v1/payments/pay_1/webhooks": {
      paymentId: "pay_1",
      data: [
        {
          id: "msg_1",
          endpointId: "we_1",
          eventId: "evt_1",
          eventType: "refund.issued",
          paymentId: "pay_1",
          trigger: "automatic",
          status: "delivered",
          attemptCount: 2,
          createdAt: "2026-12-01T11:00:00Z",
          attempts: [
            {
              id: "wa_1",
              endpointId: "we_1",
              eventType: "refund.issued",
              trigger: "automatic",
              status: "failed",
              url: "https://x",
              responseStatus: 500,
              startedAt: "2026-12-01T11:00:00Z",
            },
            {
              id: "wa_2",
              endpointId: "we_1",
              eventType: "refund.issued",
              trigger: "manual",
              status: "succeeded",
              url: "https://x",
              responseStatus: 200,
              startedAt: "2026-12-01T11:00:05Z",
            },
          ],
        },
      ],
    },
    ...overrides,
  };
}

describe("a payment's details", () => {
  it("shows every part of the payment", async () => {
    mockApi(routes());
    renderApp("/payments/pay_1");
    await waitFor(() =>
      expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("₹499.00"),
    );
    const details = screen.getByRole("region", { name: "Details" });
    expect(within(details).getByText("order-1")).toBeInTheDocument();
    expect(within(details).getByText("buyer@example.com")).toBeInTheDocument();
    expect(within(details).getByText("cart")).toBeInTheDocument();
    expect(await screen.findByText(/card approved · by customer/)).toBeInTheDocument();
    expect(screen.getByText("returned")).toBeInTheDocument();
    expect(await screen.findByText("HTTP 500")).toBeInTheDocument();
    expect(screen.getByRole("img", { name: /UPI QR code/ })).toBeInTheDocument();
    await userEvent.click(screen.getAllByRole("button", { name: /Copy payment ID pay_1/ })[0]!);
    expect(navigator.clipboard.writeText).toHaveBeenCalledWith("pay_1");
    expect(await screen.findByText("payment ID copied")).toBeInTheDocument();
  });

  it("refuses a refund above what is left", async () => {
    const api = mockApi(routes());
    renderApp("/payments/pay_1");
    await userEvent.click(await screen.findByRole("button", { name: "Refund" }));
    const dialog = screen.getByRole("dialog", { name: "Refund payment" });
    const amount = within(dialog).getByLabelText("Refund amount (INR)");
    expect(amount).toHaveValue("399.00");
    await userEvent.clear(amount);
    await userEvent.type(amount, "400");
    await userEvent.click(within(dialog).getByRole("button", { name: /^Refund/ }));
    expect(await within(dialog).findByText("At most ₹399.00 can be refunded")).toBeInTheDocument();
    await userEvent.clear(amount);
    await userEvent.type(amount, "0");
    await userEvent.click(within(dialog).getByRole("button", { name: /^Refund/ }));
    expect(
      await within(dialog).findByText("The amount must be more than zero"),
    ).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/payments/pay_1/refund")).toHaveLength(0);
  });

  it("refunds part of the rest", async () => {
    const api = mockApi(
      routes({
        "POST /api/v1/payments/pay_1/refund": json(
          {
            id: "re_2",
            paymentId: "pay_1",
            amount: 5050,
            currency: "INR",
            status: "succeeded",
            amountRefunded: 15050,
            createdAt: "2026-12-01T12:00:00Z",
            mode: "test",
          },
          201,
        ),
      }),
    );
    renderApp("/payments/pay_1");
    await userEvent.click(await screen.findByRole("button", { name: "Refund" }));
    const dialog = screen.getByRole("dialog", { name: "Refund payment" });
    await userEvent.clear(within(dialog).getByLabelText("Refund amount (INR)"));
    await userEvent.type(within(dialog).getByLabelText("Refund amount (INR)"), "50.50");
    await userEvent.type(within(dialog).getByLabelText("Reason (optional)"), "one cup");
    await userEvent.click(within(dialog).getByRole("button", { name: "Refund ₹50.50" }));
    expect(await screen.findByText("Refunded ₹50.50")).toBeInTheDocument();
    const call = api.find("POST", "/api/v1/payments/pay_1/refund")[0]!;
    expect(call.body).toEqual({ amount: 5050, reason: "one cup" });
    expect(call.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("refunds the whole rest without naming an amount", async () => {
    const api = mockApi(
      routes({
        "POST /api/v1/payments/pay_1/refund": json(
          {
            id: "re_3",
            paymentId: "pay_1",
            amount: 39900,
            currency: "INR",
            status: "succeeded",
            amountRefunded: 49900,
            createdAt: "2026-12-01T12:00:00Z",
            mode: "test",
          },
          201,
        ),
      }),
    );
    renderApp("/payments/pay_1");
    await userEvent.click(await screen.findByRole("button", { name: "Refund" }));
    await userEvent.click(screen.getByRole("button", { name: "Refund ₹399.00" }));
    await waitFor(() =>
      expect(api.find("POST", "/api/v1/payments/pay_1/refund")[0]!.body).toEqual({}),
    );
  });

  it("shows the server's refusal", async () => {
    mockApi(
      routes({
        "POST /api/v1/payments/pay_1/refund": apiError(
          409,
          "payment_not_refundable",
          "This payment cannot be refunded now.",
        ),
      }),
    );
    renderApp("/payments/pay_1");
    await userEvent.click(await screen.findByRole("button", { name: "Refund" }));
    await userEvent.click(screen.getByRole("button", { name: "Refund ₹399.00" }));
    expect(await screen.findByText("This payment cannot be refunded now.")).toBeInTheDocument();
  });

  it("cancels an incomplete payment", async () => {
    const api = mockApi(
      routes({
        "GET /api/v1/payments/pay_1": payment({ status: "created", method: null, card: null }),
        "POST /api/v1/payments/pay_1/cancel": payment({ status: "canceled" }),
      }),
    );
    renderApp("/payments/pay_1");
    await waitFor(() =>
      expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Incomplete"),
    );
    expect(screen.queryByRole("button", { name: "Refund" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Cancel payment" }));
    await userEvent.click(
      within(screen.getByRole("dialog")).getByRole("button", { name: "Cancel payment" }),
    );
    expect(await screen.findByText("Payment canceled")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/payments/pay_1/cancel")).toHaveLength(1);
  });

  it("says when the payment does not exist", async () => {
    mockApi(routes({ "GET /api/v1/payments/pay_1": apiError(404, "resource_not_found") }));
    renderApp("/payments/pay_1");
    expect(await screen.findByRole("heading", { name: "Payment not found" })).toBeInTheDocument();
  });
});
