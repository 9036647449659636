import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { merchant, page, payment, user } from "../test/fixtures";
import { apiError, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { successRate } from "./OverviewPage";

const totals = (volume: number, succeeded: number, failed: number, refunded = 0) => ({
  volume,
  succeeded,
  failed,
  refunded,
  count: succeeded + failed,
});
const base = { "GET /api/v1/merchants": page([merchant]), "GET /api/v1/auth/me": { user } };

describe("the overview", () => {
  it("shows today's and the month's figures", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/payments": page([payment()]),
      "GET /api/v1/analytics/overview": {
        currencies: [
          {
            currency: "INR",
            today: totals(49900, 1, 0),
            month: totals(1000000, 9, 1, 5000),
            days: [{ date: "2026-12-01", ...totals(49900, 1, 0) }],
          },
        ],
      },
    });
    renderApp("/");
    expect(await screen.findByText("₹10,000.00")).toBeInTheDocument();
    expect(screen.getAllByText("₹499.00").length).toBeGreaterThan(0);
    expect(screen.getByText("90%")).toBeInTheDocument();
    expect(screen.getByText("₹50.00")).toBeInTheDocument();
    expect(await screen.findByRole("table", { name: "Payments" })).toBeInTheDocument();
    const call = api.find("GET", "/api/v1/analytics/overview")[0]!;
    expect(call.query.get("days")).toBe("30");
    expect(call.query.get("tz")).toBe("Asia/Kolkata");
  });

  it("falls back to an empty state while analytics do not exist", async () => {
    mockApi({
      ...base,
      "GET /api/v1/payments": page([]),
      "GET /api/v1/analytics/overview": apiError(404, "resource_not_found"),
    });
    renderApp("/");
    expect(await screen.findByText("Analytics are not available yet")).toBeInTheDocument();
    expect(await screen.findByText("No payments yet")).toBeInTheDocument();
  });

  it("computes the success rate from attempts that finished", () => {
    expect(successRate(totals(0, 0, 0))).toBe("—");
    expect(successRate(totals(0, 1, 2))).toBe("33.3%");
  });
});
