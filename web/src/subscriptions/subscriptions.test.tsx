import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { invoice, merchant, page, plan, savedCard, subscription, tokens } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { addStep, fromLocalInput, toLocalInput } from "./clock";
import { priceLabel } from "./labels";
import { emptyPlanForm, resolvePlan } from "./planForm";

const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user: tokens.user },
};

const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole("cell")
    .map((cell) => cell.textContent);

const quarterly = plan({
  id: "plan_2",
  name: "Chai club, quarterly",
  amount: 129900,
  intervalCount: 3,
  trialDays: 14,
});

const pastDue = subscription({
  id: "sub_2",
  status: "past_due",
  customer: { email: "late@example.com" },
  dunning: { invoiceId: "in_2", attempt: 2, nextAttemptAt: "2027-01-04T10:00:00Z" },
});

describe("the subscriptions list", () => {
  it("lists customers with their plan, status and what comes next", async () => {
    const trialing = subscription({
      id: "sub_3",
      status: "trialing",
      planId: "plan_2",
      plan: {
        name: "Chai club, quarterly",
        amount: 129900,
        currency: "INR",
        interval: "month",
        intervalCount: 3,
      },
      trialEnd: "2026-12-15T10:00:00Z",
      customer: { email: "new@example.com" },
    });
    mockApi({ ...base, "GET /api/v1/subscriptions": page([subscription(), pastDue, trialing]) });
    renderApp("/subscriptions");
    const table = await screen.findByRole("table", { name: "Subscriptions" });
    expect(screen.getByRole("region", { name: "Subscriptions" })).toHaveAttribute("tabindex", "0");
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(4);
    expect(cells(rows[1]!)).toEqual([
      "buyer@example.com",
      "Chai club₹499.00 / month",
      "Active",
      "Renews Jan 1, 2027, 3:30:00 PM",
      "Dec 1, 2026, 3:30:00 PM",
    ]);
    expect(cells(rows[2]!).slice(2, 4)).toEqual([
      "Past due",
      "Next attempt Jan 4, 2027, 3:30:00 PM",
    ]);
    expect(cells(rows[3]!).slice(1, 4)).toEqual([
      "Chai club, quarterly₹1,299.00 every 3 months",
      "Trialing",
      "Trial ends Dec 15, 2026, 3:30:00 PM",
    ]);
    expect(within(rows[2]!).getByRole("link", { name: "late@example.com" })).toHaveAttribute(
      "href",
      "/subscriptions/sub_2",
    );
    expect(
      within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", {
        name: "Subscriptions",
      }),
    ).toHaveAttribute("aria-current", "page");
    expect(
      within(screen.getByRole("navigation", { name: "Subscriptions sections" })).getByRole("link", {
        name: "Plans",
      }),
    ).toHaveAttribute("href", "/subscriptions/plans");
  });

  it("filters by status in the URL", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/subscriptions": (call) =>
        call.query.get("status") ? page([]) : page([subscription()]),
    });
    renderApp("/subscriptions");
    await screen.findByRole("table", { name: "Subscriptions" });
    await userEvent.selectOptions(screen.getByLabelText("Status"), "past_due");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/subscriptions").at(-1)!.query.getAll("status")).toEqual([
        "past_due",
      ]),
    );
    expect(window.location.search).toBe("?status=past_due");
    expect(await screen.findByText("No subscriptions have this status")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Show all subscriptions" }));
    expect(await screen.findByRole("table", { name: "Subscriptions" })).toBeInTheDocument();
  });

  it("offers a retry when the list fails, and invites to create the first one", async () => {
    let fail = true;
    mockApi({
      ...base,
      "GET /api/v1/subscriptions": () =>
        fail ? apiError(403, "role_required", "Something broke.") : json(page([])),
    });
    renderApp("/subscriptions");
    expect(await screen.findByText("Subscriptions could not be loaded")).toBeInTheDocument();
    expect(screen.getByText("Something broke.")).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No test subscriptions yet")).toBeInTheDocument();
    const links = screen.getAllByRole("link", { name: "Create subscription" });
    expect(links.at(-1)).toHaveAttribute("href", "/subscriptions/new");
  });

  it("is one keyboard shortcut away", async () => {
    mockApi({ ...base, "GET /api/v1/subscriptions": page([]), "GET /api/v1/payments": page([]) });
    renderApp("/transactions");
    await screen.findByRole("heading", { level: 1, name: "Transactions" });
    await userEvent.keyboard("gu");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Subscriptions" }),
    ).toBeInTheDocument();
  });
});

describe("creating a subscription", () => {
  const created = subscription({
    id: "sub_9",
    testClock: { frozenTime: "2026-12-01T04:30:00Z" },
  });
  const routes = {
    ...base,
    "GET /api/v1/plans": page([plan(), quarterly]),
    "POST /api/v1/payment-methods": json(savedCard({ id: "pm_9" }), 201),
    "POST /api/v1/subscriptions": json(created, 201),
    "GET /api/v1/subscriptions/sub_9": created,
    "GET /api/v1/subscriptions/sub_9/invoices": page([]),
  };

  async function fill(email = "buyer@example.com") {
    await userEvent.type(await screen.findByLabelText("Customer email"), email);
    await userEvent.type(screen.getByLabelText("Card number"), "4242424242424242");
    await userEvent.type(screen.getByLabelText("Expiry (MM/YY)"), "12/30");
    await userEvent.type(screen.getByLabelText("Security code (CVC)"), "123");
  }

  it("saves the card, then creates the subscription on a test clock, and opens it", async () => {
    const api = mockApi(routes);
    renderApp("/subscriptions/new");
    expect(await screen.findByText(/4242 4242 4242 4242 succeeds/)).toHaveTextContent(
      "4000 0000 0000 0002 is declined",
    );
    await userEvent.selectOptions(screen.getByLabelText("Plan"), "plan_2");
    expect(screen.getByRole("option", { name: /quarterly/ })).toHaveTextContent(
      "Chai club, quarterly (₹1,299.00 every 3 months, 14-day trial)",
    );
    await fill(" buyer@example.com ");
    expect(screen.getByLabelText("Card number")).toHaveValue("4242 4242 4242 4242");
    await userEvent.click(screen.getByLabelText("Use a test clock"));
    fireEvent.change(screen.getByLabelText("Clock starts at (optional)"), {
      target: { value: "2026-12-01T10:00" },
    });
    await userEvent.click(screen.getByRole("button", { name: "Create subscription" }));

    expect(
      await screen.findByRole("heading", { level: 1, name: /buyer@example.com/ }),
    ).toBeInTheDocument();
    expect(window.location.pathname).toBe("/subscriptions/sub_9");
    const posts = api.calls.filter((call) => call.method === "POST");
    expect(posts.map((call) => call.path)).toEqual([
      "/api/v1/payment-methods",
      "/api/v1/subscriptions",
    ]);
    expect(posts[0]!.body).toEqual({
      card: { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" },
      customer: { email: "buyer@example.com" },
    });
    expect(posts[1]!.body).toEqual({
      planId: "plan_2",
      customer: { email: "buyer@example.com" },
      paymentMethodId: "pm_9",
      // 10:00 in the user's zone (Asia/Kolkata).
      testClock: { frozenTime: "2026-12-01T04:30:00.000Z" },
    });
    const keys = posts.map((call) => call.headers.get("Idempotency-Key"));
    for (const key of keys) expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("shows a decline inline and, retried, does not save the same card twice", async () => {
    const answers = [
      apiError(402, "card_declined", "The card was declined."),
      json(subscription({ id: "sub_9" }), 201),
    ];
    const api = mockApi({ ...routes, "POST /api/v1/subscriptions": () => answers.shift() });
    renderApp("/subscriptions/new");
    await fill();
    const submit = screen.getByRole("button", { name: "Create subscription" });
    await userEvent.click(submit);
    expect(await screen.findByRole("alert")).toHaveTextContent("The card was declined.");
    await userEvent.click(submit);
    await waitFor(() => expect(window.location.pathname).toBe("/subscriptions/sub_9"));
    expect(api.find("POST", "/api/v1/payment-methods")).toHaveLength(1);
    const bodies = api.find("POST", "/api/v1/subscriptions").map((call) => call.body);
    expect(bodies).toEqual([
      { planId: "plan_1", customer: { email: "buyer@example.com" }, paymentMethodId: "pm_9" },
      { planId: "plan_1", customer: { email: "buyer@example.com" }, paymentMethodId: "pm_9" },
    ]);
  });

  it("puts the API's error on the field its param names, and checks the form first", async () => {
    const api = mockApi({
      ...routes,
      "POST /api/v1/payment-methods": apiError(
        400,
        "invalid_request",
        "The card number is not valid.",
        "card.number",
      ),
    });
    renderApp("/subscriptions/new");
    await userEvent.click(await screen.findByRole("button", { name: "Create subscription" }));
    expect(await screen.findByText("Enter the customer's email address")).toBeInTheDocument();
    expect(screen.getByText("Enter a valid card number")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/payment-methods")).toHaveLength(0);

    await fill();
    await userEvent.click(screen.getByRole("button", { name: "Create subscription" }));
    expect(await screen.findByText("The card number is not valid.")).toBeInTheDocument();
    expect(screen.getByLabelText("Card number")).toHaveAttribute("aria-invalid", "true");
    expect(api.find("POST", "/api/v1/subscriptions")).toHaveLength(0);
  });

  it("sends to the plans first when there are none", async () => {
    mockApi({ ...base, "GET /api/v1/plans": page([]) });
    renderApp("/subscriptions/new");
    expect(await screen.findByText("No test plans yet")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create a plan" })).toHaveAttribute(
      "href",
      "/subscriptions/plans",
    );
  });
});

describe("a subscription's page", () => {
  const invoices = page([
    invoice({
      id: "in_2",
      number: 2,
      periodStart: "2027-01-01T10:00:00Z",
      periodEnd: "2027-02-01T10:00:00Z",
      status: "open",
      paidAt: null,
      attempts: [
        {
          paymentId: "pay_2",
          status: "failed",
          failureCode: "card_declined",
          at: "2027-01-01T10:00:00Z",
        },
        {
          paymentId: "pay_3",
          status: "failed",
          failureCode: "insufficient_funds",
          at: "2027-01-02T10:00:00Z",
        },
      ],
    }),
    invoice(),
  ]);

  function detail(current: () => unknown, extra = {}) {
    return {
      ...base,
      "GET /api/v1/subscriptions/sub_1": current,
      "GET /api/v1/subscriptions/sub_1/invoices": invoices,
      ...extra,
    };
  }

  it("shows the details, the dunning state and the invoices with their attempts", async () => {
    mockApi(detail(() => ({ ...pastDue, id: "sub_1", creditBalance: 12345 })));
    renderApp("/subscriptions/sub_1");
    expect(
      await screen.findByRole("heading", { level: 1, name: /late@example.com/ }),
    ).toHaveTextContent("Past due");
    expect(screen.getByText(/A renewal payment failed and is being retried/)).toHaveTextContent(
      "Attempt 2, next attempt Jan 4, 2027, 3:30:00 PM.",
    );
    expect(
      screen.getByText("Attempt 2, next attempt Jan 4, 2027, 3:30:00 PM", { selector: "dd" }),
    ).toBeInTheDocument();
    expect(screen.getByText("₹123.45", { selector: "dd" })).toBeInTheDocument();
    expect(
      screen.getByText("Dec 1, 2026, 3:30:00 PM – Jan 1, 2027, 3:30:00 PM", { selector: "dd" }),
    ).toBeInTheDocument();

    const table = await screen.findByRole("table", { name: "Invoices" });
    const rows = within(table).getAllByRole("row");
    expect(cells(rows[1]!)).toEqual([
      "#2in_2",
      "Jan 1, 2027 – Feb 1, 2027",
      "₹499.00",
      "Open",
      "Failed card_declined Jan 1, 2027, 3:30:00 PMFailed insufficient_funds Jan 2, 2027, 3:30:00 PM",
      "—",
    ]);
    expect(cells(rows[2]!)[3]).toBe("Paid");
    expect(within(rows[1]!).getByRole("link", { name: "Jan 1, 2027, 3:30:00 PM" })).toHaveAttribute(
      "href",
      "/payments/pay_2",
    );
    // Past due: it can be canceled, not paused or moved to another plan.
    expect(screen.queryByRole("button", { name: "Change plan" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Test clock" })).not.toBeInTheDocument();
  });

  it("cancels at the period's end after asking, then refreshes the subscription and invoices", async () => {
    let current = subscription();
    const api = mockApi(
      detail(() => current, {
        "POST /api/v1/subscriptions/sub_1/cancel": () =>
          (current = subscription({ cancelAtPeriodEnd: true })),
      }),
    );
    renderApp("/subscriptions/sub_1");
    await screen.findByRole("table", { name: "Invoices" });
    const invoiceLoads = api.find("GET", "/api/v1/subscriptions/sub_1/invoices").length;
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel this subscription?" });
    expect(
      within(dialog).getByLabelText("At the end of the current period (Jan 1, 2027, 3:30:00 PM)"),
    ).toBeChecked();
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel subscription" }));
    expect(
      await screen.findByText("The subscription ends on Jan 1, 2027, 3:30:00 PM"),
    ).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/subscriptions/sub_1/cancel")[0]!.body).toEqual({
      atPeriodEnd: true,
    });
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByText("Yes", { selector: "dd" })).toBeInTheDocument();
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/subscriptions/sub_1/invoices").length).toBeGreaterThan(
        invoiceLoads,
      ),
    );

    // Ending at the period's end already: what is left is to cancel now.
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.getByLabelText("Now: no more charges, and it ends today")).toBeChecked();
  });

  it("pauses and resumes by status", async () => {
    let current = subscription();
    const api = mockApi(
      detail(() => current, {
        "POST /api/v1/subscriptions/sub_1/pause": () =>
          (current = subscription({ status: "paused", pausedAt: "2026-12-10T10:00:00Z" })),
        "POST /api/v1/subscriptions/sub_1/resume": () => (current = subscription()),
      }),
    );
    renderApp("/subscriptions/sub_1");
    await userEvent.click(await screen.findByRole("button", { name: "Pause" }));
    expect(await screen.findByText("Subscription paused")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/subscriptions/sub_1/pause")[0]!.body).toEqual({});
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Resume" }));
    expect(await screen.findByText("Subscription resumed")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "Pause" })).toBeInTheDocument();
  });

  it("changes to another plan of the same currency, showing a declined proration", async () => {
    const answers = [
      apiError(402, "card_declined", "The card was declined."),
      json(subscription({ planId: "plan_2", plan: { ...quarterly } })),
    ];
    const api = mockApi(
      detail(() => subscription(), {
        "GET /api/v1/plans": page([
          plan(),
          quarterly,
          plan({ id: "plan_usd", currency: "USD", name: "Dollar club" }),
        ]),
        "POST /api/v1/subscriptions/sub_1/change-plan": () => answers.shift(),
      }),
    );
    renderApp("/subscriptions/sub_1");
    await userEvent.click(await screen.findByRole("button", { name: "Change plan" }));
    const dialog = screen.getByRole("dialog", { name: "Change plan" });
    const select = await within(dialog).findByLabelText("New plan");
    expect(
      within(select)
        .getAllByRole("option")
        .map((option) => option.textContent),
    ).toEqual(["Chai club, quarterly (₹1,299.00 every 3 months)"]);
    const submit = within(dialog).getByRole("button", { name: "Change plan" });
    await userEvent.click(submit);
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("The card was declined.");
    await userEvent.click(submit);
    expect(await screen.findByText("Moved to Chai club, quarterly")).toBeInTheDocument();
    const calls = api.find("POST", "/api/v1/subscriptions/sub_1/change-plan");
    expect(calls.map((call) => call.body)).toEqual([{ planId: "plan_2" }, { planId: "plan_2" }]);
    expect(calls[0]!.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("moves its test clock forward by a step or to a chosen time", async () => {
    let current = subscription({ testClock: { frozenTime: "2026-12-01T10:00:00Z" } });
    const api = mockApi(
      detail(() => current, {
        "POST /api/v1/subscriptions/sub_1/test-clock/advance": (call: { body: unknown }) => {
          const { frozenTime } = call.body as { frozenTime: string };
          return (current = subscription({ testClock: { frozenTime } }));
        },
      }),
    );
    renderApp("/subscriptions/sub_1");
    const panel = await screen.findByRole("region", { name: "Test clock" });
    expect(panel).toHaveTextContent("frozen at Dec 1, 2026, 3:30:00 PM");
    await userEvent.click(within(panel).getByRole("button", { name: "+1 day" }));
    expect(await within(panel).findByText("Dec 2, 2026, 3:30:00 PM")).toBeInTheDocument();
    const field = within(panel).getByLabelText("Advance to");
    // The suggestion follows the clock, a day on.
    expect(field).toHaveValue("2026-12-03T15:30");

    fireEvent.change(field, { target: { value: "2026-12-01T09:00" } });
    await userEvent.click(within(panel).getByRole("button", { name: "Advance clock" }));
    expect(await within(panel).findByText("Choose a time after the clock's")).toBeInTheDocument();

    fireEvent.change(field, { target: { value: "2027-01-05T09:00" } });
    await userEvent.click(within(panel).getByRole("button", { name: "Advance clock" }));
    expect(await within(panel).findByText("Jan 5, 2027, 9:00:00 AM")).toBeInTheDocument();
    expect(
      api.find("POST", "/api/v1/subscriptions/sub_1/test-clock/advance").map((call) => call.body),
    ).toEqual([
      { frozenTime: "2026-12-02T10:00:00.000Z" },
      // 09:00 in the user's zone (Asia/Kolkata).
      { frozenTime: "2027-01-05T03:30:00.000Z" },
    ]);
  });

  it("says when there is no such subscription", async () => {
    mockApi({
      ...base,
      "GET /api/v1/subscriptions/sub_x": apiError(404, "subscription_not_found"),
    });
    renderApp("/subscriptions/sub_x");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Subscription not found" }),
    ).toBeInTheDocument();
    expect(screen.getByText("No subscription sub_x in test mode")).toBeInTheDocument();
  });
});

describe("plans", () => {
  it("lists plans and creates one, converting the amount to minor units", async () => {
    const answers = [
      apiError(400, "invalid_request", "The amount is above your limit.", "amount"),
      json(quarterly, 201),
    ];
    let list = [plan()];
    const api = mockApi({
      ...base,
      "GET /api/v1/plans": () => page(list),
      "POST /api/v1/plans": () => {
        const answer = answers.shift();
        if (answers.length === 0) list = [plan(), quarterly];
        return answer;
      },
    });
    renderApp("/subscriptions/plans");
    const table = await screen.findByRole("table", { name: "Plans" });
    expect(cells(within(table).getAllByRole("row")[1]!)).toEqual([
      "Chai clubplan_1",
      "₹499.00 / month",
      "None",
      "1, 3, 5, 7",
      "Canceled",
      "Dec 1, 2026, 3:30:00 PM",
    ]);

    await userEvent.type(screen.getByLabelText("Name"), "Chai club, quarterly");
    await userEvent.type(screen.getByLabelText("Amount (INR)"), "1,299.50");
    await userEvent.clear(screen.getByLabelText("Interval count"));
    await userEvent.type(screen.getByLabelText("Interval count"), "3");
    await userEvent.clear(screen.getByLabelText("Trial days"));
    await userEvent.type(screen.getByLabelText("Trial days"), "14");
    await userEvent.clear(screen.getByLabelText("Retry days"));
    await userEvent.type(screen.getByLabelText("Retry days"), "2, 4,");
    await userEvent.selectOptions(screen.getByLabelText("After the last failed retry"), "unpaid");
    const submit = screen.getByRole("button", { name: "Create plan" });
    await userEvent.click(submit);
    expect(await screen.findByText("The amount is above your limit.")).toBeInTheDocument();
    expect(screen.getByLabelText("Amount (INR)")).toHaveAttribute("aria-invalid", "true");

    await userEvent.click(submit);
    expect(await screen.findByText("Plan Chai club, quarterly created")).toBeInTheDocument();
    const calls = api.find("POST", "/api/v1/plans");
    expect(calls[1]!.body).toEqual({
      name: "Chai club, quarterly",
      amount: 129950,
      currency: "INR",
      interval: "month",
      intervalCount: 3,
      trialDays: 14,
      retryDays: [2, 4],
      finalStatus: "unpaid",
    });
    // A 400 was an answer: the corrected request goes under a new key.
    expect(calls[1]!.headers.get("Idempotency-Key")).not.toBe(
      calls[0]!.headers.get("Idempotency-Key"),
    );
    expect(await screen.findByText("Chai club, quarterly")).toBeInTheDocument();
    expect(screen.getByLabelText("Name")).toHaveValue("");
  });

  it("checks the form before sending it", async () => {
    const api = mockApi({ ...base, "GET /api/v1/plans": page([]) });
    renderApp("/subscriptions/plans");
    expect(await screen.findByText("No test plans yet")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Amount (INR)"), "4.999");
    await userEvent.clear(screen.getByLabelText("Retry days"));
    await userEvent.type(screen.getByLabelText("Retry days"), "1, soon");
    await userEvent.click(screen.getByRole("button", { name: "Create plan" }));
    expect(await screen.findByText("Name the plan")).toBeInTheDocument();
    expect(screen.getByText("Enter an amount like 499.00")).toBeInTheDocument();
    expect(
      screen.getByText("Enter whole numbers of days from 1, separated by commas"),
    ).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/plans")).toHaveLength(0);
  });

  it("says when the plans could not be loaded", async () => {
    mockApi({ ...base, "GET /api/v1/plans": apiError(403, "role_required", "Not allowed.") });
    renderApp("/subscriptions/plans");
    expect(await screen.findByText("Plans could not be loaded")).toBeInTheDocument();
    expect(screen.getByText("Not allowed.")).toBeInTheDocument();
  });

  it("uses the currency's minor units and leaves an empty retry list to the API", () => {
    const form = { ...emptyPlanForm("JPY"), name: "Matcha", amount: "1,500", retryDays: " " };
    expect(resolvePlan(form)).toEqual({
      body: {
        name: "Matcha",
        amount: 1500,
        currency: "JPY",
        interval: "month",
        intervalCount: 1,
        trialDays: 0,
        finalStatus: "canceled",
      },
      errors: {},
    });
    expect(resolvePlan({ ...form, amount: "15.5", intervalCount: "0" }).errors).toEqual({
      amount: "Enter an amount like 49900",
      intervalCount: "Enter a whole number from 1",
    });
    expect(priceLabel({ amount: 1500, currency: "JPY", interval: "year", intervalCount: 1 })).toBe(
      "¥1,500 / year",
    );
  });
});

describe("test clock times", () => {
  it("steps by calendar months and reads wall-clock times in the user's zone", () => {
    expect(addStep("2027-01-31T10:00:00Z", "month")).toBe("2027-02-28T10:00:00.000Z");
    expect(addStep("2026-12-31T10:00:00Z", "week")).toBe("2027-01-07T10:00:00.000Z");
    expect(toLocalInput("2026-12-01T20:00:00Z", "Asia/Kolkata")).toBe("2026-12-02T01:30");
    expect(fromLocalInput("2026-12-02T01:30", "Asia/Kolkata")).toBe("2026-12-01T20:00:00.000Z");
    expect(fromLocalInput("", "UTC")).toBeNull();
  });
});
