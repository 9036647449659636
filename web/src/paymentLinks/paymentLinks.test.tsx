import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { merchant, page, payment, paymentLink, tokens } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { emptyLinkForm, resolveLink } from "./form";

const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user: tokens.user },
};

const customerChooses = paymentLink({
  id: "plink_2",
  description: "Donation",
  status: "completed",
  amount: null,
  minAmount: 100,
  maxAmount: 500000,
  reusable: false,
  maxUses: null,
  stats: { views: 0, paymentsStarted: 1, paid: 1, conversion: 0, revenue: 25000 },
});

describe("the payment links list", () => {
  it("lists links with their amount, status, uses and figures", async () => {
    mockApi({ ...base, "GET /api/v1/payment-links": page([paymentLink(), customerChooses]) });
    renderApp("/payment-links");
    const table = await screen.findByRole("table", { name: "Payment links" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole("cell")
        .map((cell) => cell.textContent);
    expect(cells(rows[1]!)).toEqual([
      "Yoga class, 10 sessions",
      "₹499.00",
      "Active",
      "3 / 50",
      "12",
      "25%",
      "₹1,497.00",
      "Dec 1, 2026, 3:30:00 PM",
    ]);
    expect(cells(rows[2]!)).toEqual([
      "Donation",
      "Customer choosesBetween ₹1.00 and ₹5,000.00",
      "Completed",
      "1 / 1",
      "0",
      "0%",
      "₹250.00",
      "Dec 1, 2026, 3:30:00 PM",
    ]);
    expect(within(rows[1]!).getByRole("link", { name: "Yoga class, 10 sessions" })).toHaveAttribute(
      "href",
      "/payment-links/plink_1",
    );
    expect(
      within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", {
        name: "Payment links",
      }),
    ).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("link", { name: "Create payment link" })).toHaveAttribute(
      "href",
      "/payment-links/new",
    );
  });

  it("filters by status and keeps it in the URL", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/payment-links": (call) =>
        call.query.get("status") ? page([]) : page([paymentLink()]),
    });
    renderApp("/payment-links");
    await screen.findByRole("table", { name: "Payment links" });
    expect(api.find("GET", "/api/v1/payment-links")[0]!.query.getAll("status")).toEqual([]);
    await userEvent.selectOptions(screen.getByLabelText("Status"), "inactive");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/payment-links").at(-1)!.query.getAll("status")).toEqual([
        "inactive",
      ]),
    );
    expect(window.location.search).toBe("?status=inactive");
    expect(await screen.findByText("No payment links have this status")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Show all payment links" }));
    await waitFor(() => expect(window.location.search).toBe(""));
    expect(await screen.findByRole("table", { name: "Payment links" })).toBeInTheDocument();
  });

  it("pages through 50 at a time, keeping the filter", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/payment-links": (call) =>
        json(
          page([paymentLink({ description: `Page ${call.query.get("page")}` })], {
            page: Number(call.query.get("page")),
            total: 120,
            hasMore: true,
          }),
        ),
    });
    renderApp("/payment-links?status=active");
    await screen.findByText("Page 1");
    expect(screen.getByText("1–50 of 120")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("Page 2")).toBeInTheDocument();
    const last = api.find("GET", "/api/v1/payment-links").at(-1)!;
    expect(last.query.get("limit")).toBe("50");
    expect(last.query.getAll("status")).toEqual(["active"]);
    expect(window.location.search).toBe("?status=active&page=2");
  });

  it("invites to create the first link, and offers a retry when the list fails", async () => {
    let fail = true;
    mockApi({
      ...base,
      "GET /api/v1/payment-links": () =>
        fail ? apiError(403, "role_required", "Not allowed.") : json(page([])),
    });
    renderApp("/payment-links");
    expect(await screen.findByText("Payment links could not be loaded")).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No test payment links yet")).toBeInTheDocument();
  });
});

describe("creating a payment link", () => {
  const created = paymentLink({ id: "plink_9", reusable: false, maxUses: null });

  it("checks the form before sending anything", async () => {
    const api = mockApi({ ...base, "POST /api/v1/payment-links": json(created, 201) });
    renderApp("/payment-links/new");
    const submit = await screen.findByRole("button", { name: "Create payment link" });
    await userEvent.click(submit);
    expect(await screen.findByText("Say what the customer pays for")).toBeInTheDocument();
    expect(screen.getByText("Enter the amount to pay")).toBeInTheDocument();
    expect(screen.getByLabelText("Description")).toHaveFocus();

    await userEvent.type(screen.getByLabelText("Amount (INR)"), "4.999");
    await userEvent.click(submit);
    expect(await screen.findByText("Enter an amount like 499.00")).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText("The customer enters the amount"));
    await userEvent.type(screen.getByLabelText("Minimum (INR, optional)"), "50");
    await userEvent.type(screen.getByLabelText("Maximum (INR, optional)"), "10");
    await userEvent.click(screen.getByLabelText("Reusable: any number of customers can pay it"));
    await userEvent.type(screen.getByLabelText("Maximum payments (optional)"), "0");
    await userEvent.type(screen.getByLabelText("Expires on (optional)"), "2020-01-01");
    await userEvent.click(submit);
    expect(await screen.findByText("The maximum is below the minimum")).toBeInTheDocument();
    expect(screen.getByText(/Enter a whole number of 1 or more/)).toBeInTheDocument();
    expect(screen.getByText("Choose a time in the future")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/payment-links")).toHaveLength(0);
  });

  it("posts a one-time fixed amount with an Idempotency-Key and shows the link to share", async () => {
    const api = mockApi({ ...base, "POST /api/v1/payment-links": json(created, 201) });
    renderApp("/payment-links/new");
    await userEvent.type(await screen.findByLabelText("Description"), " Yoga class, 10 sessions ");
    await userEvent.type(screen.getByLabelText("Amount (INR)"), "499");
    await userEvent.click(screen.getByRole("button", { name: "Create payment link" }));

    expect(await screen.findByRole("heading", { name: "Payment link created" })).toHaveFocus();
    const call = api.find("POST", "/api/v1/payment-links")[0]!;
    expect(call.body).toEqual({
      currency: "INR",
      description: "Yoga class, 10 sessions",
      reusable: false,
      amount: 49900,
    });
    expect(call.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.headers.get("Authorization")).toBe("Bearer at_1");
    expect(call.headers.get("Expe-Mode")).toBe("test");
    expect(screen.getByRole("link", { name: created.url })).toHaveAttribute("href", created.url);
    await userEvent.click(
      screen.getByRole("button", { name: `Copy payment link URL ${created.url}` }),
    );
    expect(navigator.clipboard.writeText).toHaveBeenCalledWith(created.url);
    expect(screen.getByRole("link", { name: "View payment link" })).toHaveAttribute(
      "href",
      "/payment-links/plink_9",
    );

    await userEvent.click(screen.getByRole("button", { name: "Create another" }));
    expect(screen.getByLabelText("Description")).toHaveValue("");
  });

  it("posts an amount the customer chooses, with bounds, a use limit and an expiry", async () => {
    const api = mockApi({ ...base, "POST /api/v1/payment-links": json(created, 201) });
    renderApp("/payment-links/new");
    await userEvent.type(await screen.findByLabelText("Description"), "Donation");
    await userEvent.selectOptions(screen.getByLabelText("Currency"), "USD");
    await userEvent.click(screen.getByLabelText("The customer enters the amount"));
    await userEvent.type(screen.getByLabelText("Minimum (USD, optional)"), "1");
    await userEvent.type(screen.getByLabelText("Maximum (USD, optional)"), "5,000");
    await userEvent.click(screen.getByLabelText("Reusable: any number of customers can pay it"));
    await userEvent.type(screen.getByLabelText("Maximum payments (optional)"), "50");
    await userEvent.type(screen.getByLabelText("Expires on (optional)"), "2099-12-31");
    await userEvent.click(screen.getByRole("button", { name: "Create payment link" }));
    await screen.findByRole("heading", { name: "Payment link created" });
    expect(api.find("POST", "/api/v1/payment-links")[0]!.body).toEqual({
      currency: "USD",
      description: "Donation",
      reusable: true,
      minAmount: 100,
      maxAmount: 500000,
      maxUses: 50,
      // 23:59 on that day in the user's zone (Asia/Kolkata).
      expiresAt: "2099-12-31T18:29:00.000Z",
    });
  });

  it("retries a submission that got no answer with the same key, and shows the API's field error", async () => {
    const answers = [
      apiError(503, "unavailable", "The service is unavailable."),
      apiError(400, "invalid_request", "The amount is above your limit.", "amount"),
      json(created, 201),
    ];
    const api = mockApi({ ...base, "POST /api/v1/payment-links": () => answers.shift() });
    renderApp("/payment-links/new");
    await userEvent.type(await screen.findByLabelText("Description"), "Yoga");
    await userEvent.type(screen.getByLabelText("Amount (INR)"), "499");
    const submit = screen.getByRole("button", { name: "Create payment link" });
    await userEvent.click(submit);
    expect(await screen.findByText("The service is unavailable.")).toBeInTheDocument();
    await userEvent.click(submit);
    expect(await screen.findByText("The amount is above your limit.")).toBeInTheDocument();
    expect(screen.getByLabelText("Amount (INR)")).toHaveAttribute("aria-invalid", "true");
    await userEvent.click(submit);
    await screen.findByRole("heading", { name: "Payment link created" });
    const keys = api
      .find("POST", "/api/v1/payment-links")
      .map((call) => call.headers.get("Idempotency-Key"));
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
  });

  it("leaves out what the chosen kind of link does not use", () => {
    const form = {
      ...emptyLinkForm("JPY"),
      description: "Tea",
      amount: "500",
      minAmount: "1",
      maxUses: "3",
      expiresAt: "2099-01-01",
      expiresTime: "",
    };
    expect(resolveLink(form, "UTC")).toEqual({
      body: {
        currency: "JPY",
        description: "Tea",
        reusable: false,
        amount: 500,
        expiresAt: "2099-01-01T23:59:00.000Z",
      },
      errors: {},
    });
    expect(
      resolveLink({ ...form, amount: "0", description: "x".repeat(501) }, "UTC").errors,
    ).toEqual({
      amount: "The amount must be more than zero",
      description: "Use at most 500 characters",
    });
  });
});

describe("a payment link's page", () => {
  const detail = {
    ...base,
    "GET /api/v1/payment-links/plink_1": paymentLink({ metadata: { course: "yoga-10" } }),
    "GET /api/v1/payments": page([payment({ id: "pay_7", paymentLinkId: "plink_1" })]),
  };

  it("shows the link, its figures, its public URL and its payments", async () => {
    const api = mockApi(detail);
    renderApp("/payment-links/plink_1");
    expect(
      await screen.findByRole("heading", { level: 1, name: /Yoga class, 10 sessions/ }),
    ).toBeInTheDocument();
    const figures = screen.getByRole("group", { name: "Figures of the link" });
    for (const text of [
      "Views12",
      "Payments started5",
      "Paid3",
      "Conversion25%",
      "Revenue₹1,497.00",
    ])
      expect(figures).toHaveTextContent(text);
    expect(screen.getByRole("link", { name: paymentLink().url })).toHaveAttribute(
      "href",
      paymentLink().url,
    );
    expect(
      screen.getByRole("button", { name: `Copy payment link URL ${paymentLink().url}` }),
    ).toBeInTheDocument();
    expect(screen.getByText("Reusable, up to 50 payments", { selector: "dd" })).toBeInTheDocument();
    expect(screen.getByText("yoga-10")).toBeInTheDocument();
    const payments = await screen.findByRole("table", { name: "Payments" });
    expect(within(payments).getByRole("link", { name: "pay_7" })).toHaveAttribute(
      "href",
      "/payments/pay_7",
    );
    expect(api.find("GET", "/api/v1/payments")[0]!.query.get("paymentLinkId")).toBe("plink_1");
  });

  it("deactivates the link after asking", async () => {
    const deactivated = paymentLink({ status: "inactive", deactivatedAt: "2026-12-02T10:00:00Z" });
    let current = paymentLink();
    const api = mockApi({
      ...detail,
      "GET /api/v1/payment-links/plink_1": () => current,
      "POST /api/v1/payment-links/plink_1/deactivate": () => (current = deactivated),
    });
    renderApp("/payment-links/plink_1");
    await userEvent.click(await screen.findByRole("button", { name: "Deactivate" }));
    const dialog = screen.getByRole("dialog", { name: "Deactivate this payment link?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Keep it" }));
    expect(api.find("POST", "/api/v1/payment-links/plink_1/deactivate")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Deactivate" }));
    await userEvent.click(
      within(screen.getByRole("dialog", { name: "Deactivate this payment link?" })).getByRole(
        "button",
        { name: "Deactivate link" },
      ),
    );
    expect(await screen.findByText("Payment link deactivated")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/payment-links/plink_1/deactivate")).toHaveLength(1);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Inactive");
    expect(screen.getByText("Dec 2, 2026, 3:30:00 PM")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Deactivate" })).not.toBeInTheDocument();
  });

  it("says when there is no such link", async () => {
    mockApi({
      ...base,
      "GET /api/v1/payment-links/plink_x": apiError(404, "payment_link_not_found"),
    });
    renderApp("/payment-links/plink_x");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Payment link not found" }),
    ).toBeInTheDocument();
    expect(screen.getByText("No payment link plink_x in test mode")).toBeInTheDocument();
  });
});
