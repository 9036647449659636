import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Wallet } from "../api/types";
import { merchant, page, user } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";

const wallet: Wallet = {
  id: "wal_1",
  currency: "INR",
  mode: "test",
  available: 150000,
  held: 5000,
  total: 155000,
  owner: { type: "merchant", id: "mer_1" },
  createdAt: "2026-11-01T00:00:00Z",
};
const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user },
  "GET /api/v1/wallets": { data: [wallet] },
  "GET /api/v1/wallets/wal_1/entries": page([
    {
      id: "wal_1:2",
      seq: 2,
      movementId: "tr_1",
      kind: "transfer_out",
      status: "posted",
      amount: 2000,
      availableChange: -2000,
      heldChange: 0,
      available: 150000,
      held: 5000,
      createdAt: "2026-12-01T10:00:00Z",
    },
    {
      id: "wal_1:1",
      seq: 1,
      movementId: "tp_1",
      kind: "topup",
      status: "declined",
      amount: 10099,
      availableChange: 0,
      heldChange: 0,
      available: 152000,
      held: 5000,
      createdAt: "2026-12-01T09:00:00Z",
    },
  ]),
};

describe("the wallet", () => {
  it("shows balances and the statement", async () => {
    mockApi(base);
    renderApp("/wallet");
    const card = within(await screen.findByRole("list", { name: "Wallets" })).getByRole("listitem");
    expect(card).toHaveTextContent("₹1,500.00");
    expect(card).toHaveTextContent("₹50.00 held");
    const table = await screen.findByRole("table", { name: "Wallet entries" });
    expect(within(table).getByText("-₹20.00")).toBeInTheDocument();
    expect(within(table).getByText("Declined")).toBeInTheDocument();
  });

  it("tops up in minor units and refuses bad amounts", async () => {
    const api = mockApi({
      ...base,
      "POST /api/v1/topups": json(
        {
          id: "tp_2",
          type: "topup",
          status: "succeeded",
          amount: 25050,
          currency: "INR",
          mode: "test",
          createdAt: "2026-12-01T11:00:00Z",
        },
        201,
      ),
    });
    renderApp("/wallet");
    const form = await screen.findByRole("form", { name: "Top up" });
    await userEvent.type(within(form).getByLabelText("Top-up amount (INR)"), "1.234");
    await userEvent.click(within(form).getByRole("button", { name: "Add money" }));
    expect(await within(form).findByText("Enter an amount in INR above zero")).toBeInTheDocument();
    await userEvent.clear(within(form).getByLabelText("Top-up amount (INR)"));
    await userEvent.type(within(form).getByLabelText("Top-up amount (INR)"), "250.50");
    await userEvent.selectOptions(within(form).getByLabelText("From"), "upi");
    await userEvent.click(within(form).getByRole("button", { name: "Add money" }));
    expect(await screen.findByText("Added ₹250.50")).toBeInTheDocument();
    const call = api.find("POST", "/api/v1/topups")[0]!;
    expect(call.body).toEqual({ walletId: "wal_1", amount: 25050, source: { type: "upi" } });
    expect(call.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("transfers to an email and shows the server's refusal", async () => {
    const api = mockApi({
      ...base,
      "POST /api/v1/transfers": apiError(
        404,
        "recipient_not_found",
        "No verified user has this email.",
      ),
    });
    renderApp("/wallet");
    const form = await screen.findByRole("form", { name: "Transfer" });
    await userEvent.type(within(form).getByLabelText("Transfer amount (INR)"), "2000");
    await userEvent.type(
      within(form).getByLabelText("Recipient (wallet ID or email)"),
      "friend@example.com",
    );
    await userEvent.click(within(form).getByRole("button", { name: "Send money" }));
    expect(await within(form).findByText("At most ₹1,500.00 is available")).toBeInTheDocument();
    await userEvent.clear(within(form).getByLabelText("Transfer amount (INR)"));
    await userEvent.type(within(form).getByLabelText("Transfer amount (INR)"), "20");
    await userEvent.click(within(form).getByRole("button", { name: "Send money" }));
    expect(await within(form).findByText("No verified user has this email.")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/transfers")[0]!.body).toEqual({
      fromWalletId: "wal_1",
      to: { email: "friend@example.com" },
      amount: 2000,
      currency: "INR",
    });
  });

  it("opens a wallet and downloads the statement", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/wallets": { data: [] },
      "POST /api/v1/wallets": json(wallet, 201),
    });
    renderApp("/wallet");
    await userEvent.click(await screen.findByRole("button", { name: "Open a INR wallet" }));
    await waitFor(() =>
      expect(api.find("POST", "/api/v1/wallets")[0]!.body).toEqual({ currency: "INR" }),
    );
  });

  it("downloads the statement as CSV", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/wallets/wal_1/entries": (call) =>
        call.query.get("format") === "csv"
          ? json("id\n", 200, { "content-type": "text/csv" })
          : json(page([])),
    });
    renderApp("/wallet");
    await userEvent.click(await screen.findByRole("button", { name: "Download CSV" }));
    await waitFor(() => expect(api.calls.some((c) => c.query.get("format") === "csv")).toBe(true));
    expect(URL.createObjectURL).toHaveBeenCalled();
  });
});
