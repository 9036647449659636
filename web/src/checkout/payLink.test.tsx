import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkoutLink } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import type { Routes } from "../test/mockApi";
import { renderApp } from "../test/render";
import { BUSY_MESSAGE, checkoutPath } from "./link";

const LINK = "GET /api/v1/checkout/links/Xk2p9Qa7";
const PAY = "POST /api/v1/checkout/links/Xk2p9Qa7/payments";
// The API names its own host; the page stays on the one it was served from.
const started = {
  paymentId: "pay_9",
  checkoutUrl: "http://api.example:8000/checkout/pay_9#pay_9_secret_x",
};

const realLocation = window.location;
afterEach(() => {
  Object.defineProperty(window, "location", { value: realLocation, configurable: true });
});

/** Opens the page, and then watches where it sends the browser. */
async function open(routes: Routes) {
  const api = mockApi(routes);
  renderApp("/pay/Xk2p9Qa7", { loggedIn: false });
  await screen.findByRole("heading", { level: 1, name: (name) => name !== "Loading payment link" });
  const assign = vi.fn();
  Object.defineProperty(window, "location", {
    value: { ...realLocation, origin: realLocation.origin, assign },
    configurable: true,
  });
  return { api, assign };
}

const chooses = checkoutLink({ amount: null, minAmount: 100, maxAmount: 500000 });

describe("a payment link's public page", () => {
  it("shows a fixed amount and opens the checkout of the payment it starts", async () => {
    const { api, assign } = await open({ [LINK]: checkoutLink(), [PAY]: json(started, 201) });
    expect(screen.getByRole("heading", { level: 1, name: "Chai Point" })).toBeInTheDocument();
    expect(screen.getByLabelText("Amount ₹499.00")).toBeInTheDocument();
    expect(screen.getByText("Yoga class, 10 sessions")).toBeInTheDocument();
    expect(screen.getByText("Test mode")).toBeInTheDocument();
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
    expect(document.title).toBe("Pay Chai Point · Expe");

    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/checkout/pay_9#pay_9_secret_x"));
    expect(screen.getByRole("button", { name: "Opening checkout…" })).toBeDisabled();
    const pay = api.find("POST", "/api/v1/checkout/links/Xk2p9Qa7/payments")[0]!;
    expect(pay.body).toEqual({});
    expect(pay.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    for (const header of ["Authorization", "Expe-Merchant", "Expe-Mode"])
      expect(pay.headers.get(header)).toBeNull();
    // Each load counts a view: one load, one view.
    expect(api.find("GET", "/api/v1/checkout/links/Xk2p9Qa7")).toHaveLength(1);
  });

  it("takes an amount the customer enters, within the link's bounds", async () => {
    const { api, assign } = await open({ [LINK]: chooses, [PAY]: json(started, 201) });
    const amount = screen.getByLabelText("Amount (INR)");
    expect(amount).toHaveAccessibleDescription("Between ₹1.00 and ₹5,000.00");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Enter an amount in INR, like 1.00");
    expect(amount).toHaveFocus();
    await userEvent.type(amount, "0.50");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("The amount must be at least ₹1.00")).toBeInTheDocument();
    await userEvent.clear(amount);
    await userEvent.type(amount, "6000");
    await userEvent.click(screen.getByRole("button", { name: "Pay" }));
    expect(await screen.findByText("The amount must be at most ₹5,000.00")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/checkout/links/Xk2p9Qa7/payments")).toHaveLength(0);

    await userEvent.clear(amount);
    await userEvent.type(amount, "250");
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹250.00" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/checkout/pay_9#pay_9_secret_x"));
    expect(api.find("POST", "/api/v1/checkout/links/Xk2p9Qa7/payments")[0]!.body).toEqual({
      amount: 25000,
    });
  });

  it("shows the API's word on the amount beside the field", async () => {
    await open({
      [LINK]: chooses,
      [PAY]: apiError(400, "invalid_request", "The amount is above the link's maximum.", "amount"),
    });
    await userEvent.type(screen.getByLabelText("Amount (INR)"), "100");
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹100.00" }));
    expect(await screen.findByText("The amount is above the link's maximum.")).toBeInTheDocument();
    expect(screen.getByLabelText("Amount (INR)")).toHaveAttribute("aria-invalid", "true");
  });

  it.each([
    ["payment_link_inactive", "This payment link is no longer active"],
    ["payment_link_expired", "This payment link has expired"],
    ["payment_link_used", "This payment link has already been paid"],
    ["payment_link_not_found", "This payment link does not exist"],
  ])("says why it cannot be paid when the press is refused with %s", async (code, title) => {
    await open({
      [LINK]: checkoutLink(),
      [PAY]: apiError(code === "payment_link_not_found" ? 404 : 409, code),
    });
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    const heading = await screen.findByRole("heading", { level: 1, name: title });
    expect(heading).toHaveFocus();
    expect(screen.getByRole("alert")).toHaveTextContent(title);
    expect(screen.queryByRole("button", { name: /Pay/ })).not.toBeInTheDocument();
  });

  it.each([
    ["inactive", "This payment link is no longer active"],
    ["expired", "This payment link has expired"],
    ["completed", "This payment link has already been paid"],
  ] as const)("offers no Pay button for a link that is %s", async (status, title) => {
    await open({ [LINK]: checkoutLink({ status }) });
    expect(screen.getByRole("heading", { level: 1, name: title })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Pay/ })).not.toBeInTheDocument();
  });

  it("names the checkout, not an empty merchant, when the merchant's name is unknown", async () => {
    await open({ [LINK]: checkoutLink({ merchantName: null }) });
    expect(screen.getByRole("heading", { level: 1, name: "Expe checkout" })).toBeInTheDocument();
  });

  it("says when the link does not exist", async () => {
    await open({ [LINK]: apiError(404, "payment_link_not_found") });
    expect(
      screen.getByRole("heading", { level: 1, name: "This payment link does not exist" }),
    ).toBeInTheDocument();
  });

  it("asks to try again shortly while the link is busy, with a new key for the next press", async () => {
    const answers = [apiError(409, "payment_link_busy"), json(started, 201)];
    const { api, assign } = await open({ [LINK]: checkoutLink(), [PAY]: () => answers.shift() });
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(BUSY_MESSAGE);
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    await waitFor(() => expect(assign).toHaveBeenCalled());
    const [first, second] = api
      .find("POST", "/api/v1/checkout/links/Xk2p9Qa7/payments")
      .map((call) => call.headers.get("Idempotency-Key"));
    expect(second).not.toBe(first);
  });

  it("retries a press that got no answer with the same key", async () => {
    let reachable = false;
    const { api, assign } = await open({
      [LINK]: checkoutLink(),
      [PAY]: () => {
        if (!reachable) throw new TypeError("Failed to fetch");
        return json(started, 201);
      },
    });
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The network is unreachable");
    reachable = true;
    await userEvent.click(screen.getByRole("button", { name: "Pay ₹499.00" }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith("/checkout/pay_9#pay_9_secret_x"));
    const [first, second] = api
      .find("POST", "/api/v1/checkout/links/Xk2p9Qa7/payments")
      .map((call) => call.headers.get("Idempotency-Key"));
    expect(second).toBe(first);
  });

  it("keeps the checkout on this origin", () => {
    expect(checkoutPath("https://other.example/checkout/pay_1#pay_1_secret_y")).toBe(
      "/checkout/pay_1#pay_1_secret_y",
    );
  });
});
