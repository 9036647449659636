import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { AnalyticsFigures, MerchantAnalytics } from "../api/types";
import { merchant, page, user } from "../test/fixtures";
import { apiError, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { addDays, daysBetween, presetRange, todayUtc } from "./range";

const PATH = "/api/v1/merchants/mer_1/analytics";
const base = { "GET /api/v1/merchants": page([merchant]), "GET /api/v1/auth/me": { user } };

function figures(overrides: Partial<AnalyticsFigures> = {}): AnalyticsFigures {
  return {
    created: 0,
    succeeded: 0,
    volume: 0,
    failed: 0,
    refunds: 0,
    refunded: 0,
    newCustomers: 0,
    newCustomerVolume: 0,
    returningPayments: 0,
    returningVolume: 0,
    net: 0,
    successRate: null,
    averageOrderValue: null,
    ...overrides,
  };
}

const report: MerchantAnalytics = {
  merchantId: "mer_1",
  mode: "test",
  from: "2026-11-01",
  to: "2026-11-30",
  granularity: "day",
  currencies: [
    {
      currency: "INR",
      totals: figures({
        created: 5,
        succeeded: 3,
        volume: 150000,
        failed: 1,
        refunds: 1,
        refunded: 20000,
        net: 130000,
        successRate: 0.75,
        averageOrderValue: 50000,
        newCustomers: 2,
        newCustomerVolume: 100000,
        returningPayments: 1,
        returningVolume: 50000,
      }),
      periods: [
        {
          start: "2026-11-01",
          end: "2026-11-01",
          ...figures({ succeeded: 3, volume: 150000, failed: 1, net: 150000, successRate: 0.75 }),
        },
      ],
      methods: [{ method: "card", succeeded: 3, volume: 150000, failed: 1, successRate: 0.75 }],
      countries: [{ country: "IN", succeeded: 3, volume: 150000, failed: 1, successRate: 0.75 }],
      failures: [{ code: "card_declined", count: 1 }],
      topCustomers: [
        { customerId: "cus_1", label: "a•••@example.com", payments: 2, volume: 100000 },
        { customerId: "cus_2", label: null, payments: 1, volume: 50000 },
      ],
    },
    {
      currency: "USD",
      totals: figures(),
      periods: [],
      methods: [],
      countries: [],
      failures: [],
      topCustomers: [],
    },
  ],
  cohorts: [
    {
      month: "2026-10",
      customers: 4,
      retention: [
        { month: "2026-10", customers: 4, rate: 1 },
        { month: "2026-11", customers: 1, rate: 0.25 },
      ],
    },
  ],
};

describe("the analytics page", () => {
  it("shows a currency's figures, breakdowns and cohorts for the last 30 days", async () => {
    const api = mockApi({ ...base, [`GET ${PATH}`]: report });
    renderApp("/analytics");
    const inr = await screen.findByRole("region", { name: "INR" });
    const stat = (label: string) =>
      within(inr).getByText(label, { selector: ".stat-label" }).closest(".card");
    expect(stat("Gross volume")).toHaveTextContent("₹1,500.00");
    expect(stat("Refunded")).toHaveTextContent("₹200.00");
    expect(stat("Net volume")).toHaveTextContent("₹1,300.00");
    expect(stat("Success rate")).toHaveTextContent("75%");
    expect(stat("Average order value")).toHaveTextContent("₹500.00");
    const failures = within(inr).getByRole("table", { name: "INR failures by code" });
    expect(within(failures).getByText("card_declined")).toBeInTheDocument();
    const customers = within(inr).getByRole("table", { name: "INR top customers, of all time" });
    expect(within(customers).getByText("a•••@example.com")).toBeInTheDocument();
    expect(within(customers).getByText("cus_2")).toBeInTheDocument();
    expect(within(inr).getByRole("table", { name: "INR countries" })).toHaveTextContent("India");
    // A currency without payments in the range has no section.
    expect(screen.queryByRole("region", { name: "USD" })).not.toBeInTheDocument();
    const cohorts = screen.getByRole("table", { name: /Cohort retention/ });
    expect(within(cohorts).getByText("25%")).toBeInTheDocument();

    const query = api.find("GET", PATH)[0]!.query;
    expect(Object.fromEntries(query)).toEqual({ ...presetRange("30d"), granularity: "day" });
  });

  it("asks again by month for the last 12 months, and refuses a range of over two years", async () => {
    const api = mockApi({ ...base, [`GET ${PATH}`]: report });
    renderApp("/analytics");
    await screen.findByRole("region", { name: "INR" });
    await userEvent.click(screen.getByRole("button", { name: "Last 12 months" }));
    expect(screen.getByRole("button", { name: "Last 12 months" })).toHaveAttribute(
      "aria-pressed",
      "true",
    );
    await screen.findByRole("region", { name: "INR" });
    const last = api.find("GET", PATH).at(-1)!.query;
    expect(last.get("granularity")).toBe("month");
    expect(last.get("from")).toBe(presetRange("12m").from);

    const calls = api.find("GET", PATH).length;
    const from = screen.getByLabelText("From");
    await userEvent.clear(from);
    await userEvent.type(from, addDays(todayUtc(), -731));
    expect(await screen.findByText("A range covers at most two years.")).toBeInTheDocument();
    expect(api.find("GET", PATH)).toHaveLength(calls);
  });

  it("says so when the range has no payments, and when the figures cannot be loaded", async () => {
    mockApi({ ...base, [`GET ${PATH}`]: { ...report, currencies: [], cohorts: [] } });
    const { unmount } = renderApp("/analytics");
    expect(await screen.findByText("No payments in this range")).toBeInTheDocument();
    unmount();

    mockApi({ ...base, [`GET ${PATH}`]: apiError(400, "parameter_invalid", "from: bad", "from") });
    renderApp("/analytics");
    expect(await screen.findByText("The analytics could not be loaded")).toBeInTheDocument();
  });

  it("counts days between two dates", () => {
    expect(daysBetween("2026-01-01", "2026-01-01")).toBe(0);
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(2);
  });
});
