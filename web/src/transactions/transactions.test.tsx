import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { merchant, page, payment, tokens } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { resolveFilters } from "./filters";

const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user: tokens.user },
};

describe("the transactions list", () => {
  it("lists payments with their status, amount and time in the user's zone", async () => {
    mockApi({
      ...base,
      "GET /api/v1/payments": page(
        [
          payment(),
          payment({
            id: "pay_2",
            status: "failed",
            amount: 1000,
            orderId: "order-2",
            method: null,
            card: null,
          }),
        ],
        { total: 2 },
      ),
    });
    renderApp("/transactions");
    const table = await screen.findByRole("table", { name: "Payments" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent("₹499.00");
    expect(rows[1]).toHaveTextContent("Succeeded");
    expect(rows[1]).toHaveTextContent("Visa •••• 4242");
    expect(rows[1]).toHaveTextContent("Dec 1, 2026, 3:30:00 PM");
    expect(rows[2]).toHaveTextContent("Failed");
    expect(screen.getByText("1–2 of 2")).toBeInTheDocument();
  });

  it("sends the filters to the API and keeps them in the URL", async () => {
    const api = mockApi({ ...base, "GET /api/v1/payments": page([]) });
    renderApp("/transactions");
    await screen.findByText(/No test payments yet/);
    await userEvent.selectOptions(screen.getByLabelText("Status"), "failed");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/payments").at(-1)!.query.getAll("status")).toEqual([
        "failed",
      ]),
    );
    expect(window.location.search).toContain("status=failed");
    await userEvent.type(screen.getByLabelText("Min amount (INR)"), "100.50");
    await userEvent.tab();
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/payments").at(-1)!.query.get("minAmount")).toBe("10050"),
    );
    await userEvent.type(screen.getByRole("searchbox", { name: "Search" }), "order-9");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/payments").at(-1)!.query.get("q")).toBe("order-9"),
    );
    expect(await screen.findByText("No payments match these filters")).toBeInTheDocument();
    await userEvent.click(screen.getAllByRole("button", { name: "Clear filters" })[0]!);
    await waitFor(() => expect(window.location.search).toBe(""));
  });

  it("refuses an amount it cannot read", async () => {
    mockApi({ ...base, "GET /api/v1/payments": page([]) });
    renderApp("/transactions");
    await userEvent.type(await screen.findByLabelText("Max amount (INR)"), "12.345");
    expect(await screen.findByText("Enter an amount like 100.50")).toBeInTheDocument();
  });

  it("turns day and amount filters into API values", () => {
    const { filters, errors } = resolveFilters(
      {
        status: "succeeded",
        from: "2026-12-01",
        to: "2026-12-01",
        min: "1",
        max: "2",
        q: " pay_1 ",
      },
      "Asia/Kolkata",
      "INR",
    );
    expect(filters).toEqual({
      status: ["succeeded"],
      from: "2026-11-30T18:30:00.000Z",
      to: "2026-12-01T18:30:00.000Z",
      minAmount: 100,
      maxAmount: 200,
      q: "pay_1",
    });
    expect(errors).toEqual({});
    expect(
      resolveFilters(
        { status: "", from: "2026-12-02", to: "2026-12-01", min: "5", max: "1", q: "" },
        "UTC",
        "INR",
      ).errors,
    ).toEqual({
      to: "The end date is before the start date",
      max: "The maximum is below the minimum",
    });
  });

  it("exports the filtered list with the dashboard's headers", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/payments": page([payment()]),
      "GET /api/v1/payments/export": json("id,status\n", 200, {
        "content-type": "text/csv",
        "Content-Disposition": 'attachment; filename="payments.csv"',
      }),
    });
    renderApp("/transactions?status=succeeded");
    await screen.findByRole("table", { name: "Payments" });
    await userEvent.click(screen.getByRole("button", { name: "Export CSV" }));
    expect(await screen.findByText("Exported payments.csv")).toBeInTheDocument();
    const call = api.find("GET", "/api/v1/payments/export")[0]!;
    expect(call.query.get("format")).toBe("csv");
    expect(call.query.getAll("status")).toEqual(["succeeded"]);
    expect(call.headers.get("Authorization")).toBe("Bearer at_1");
    expect(URL.createObjectURL).toHaveBeenCalled();
  });

  it("says when the export fails", async () => {
    mockApi({
      ...base,
      "GET /api/v1/payments": page([payment()]),
      "GET /api/v1/payments/export": apiError(503, "unavailable", "Try later."),
    });
    renderApp("/transactions");
    await screen.findByRole("table", { name: "Payments" });
    await userEvent.click(screen.getByRole("button", { name: "Export Excel" }));
    expect(await screen.findByText("Export failed: Try later.")).toBeInTheDocument();
  });

  it("shows an error with a retry", async () => {
    let fail = true;
    mockApi({
      ...base,
      "GET /api/v1/payments": () =>
        fail ? apiError(403, "role_required", "Not allowed.") : json(page([payment()])),
    });
    renderApp("/transactions");
    expect(await screen.findByText("Payments could not be loaded")).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("table", { name: "Payments" })).toBeInTheDocument();
  });

  it("pages through 50 at a time", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/payments": (call) =>
        json(
          page([payment({ id: `pay_p${call.query.get("page")}` })], {
            page: Number(call.query.get("page")),
            total: 120,
            hasMore: true,
          }),
        ),
    });
    renderApp("/transactions");
    await screen.findByText("pay_p1");
    expect(api.calls.find((c) => c.path === "/api/v1/payments")!.query.get("limit")).toBe("50");
    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(await screen.findByText("pay_p2")).toBeInTheDocument();
  });
});
