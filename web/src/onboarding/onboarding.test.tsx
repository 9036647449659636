import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { merchant, page, user } from "../test/fixtures";
import { json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";

describe("onboarding", () => {
  it("walks a new user from merchant to project to a test key", async () => {
    let merchants: unknown[] = [];
    const api = mockApi({
      "GET /api/v1/auth/me": { user: { ...user, emailVerified: false } },
      "GET /api/v1/merchants": () => page(merchants),
      "POST /api/v1/merchants": () => {
        merchants = [merchant];
        return json(merchant, 201);
      },
      "POST /api/v1/merchants/mer_1/projects": json(
        { id: "prj_1", merchantId: "mer_1", name: "Web shop", createdAt: "2026-12-01T00:00:00Z" },
        201,
      ),
      "POST /api/v1/projects/prj_1/api-keys": json(
        { id: "key_1", type: "secret", mode: "test", secret: "sk_test_1234567890abcdef" },
        201,
      ),
      "GET /api/v1/analytics/overview": { currencies: [] },
      "GET /api/v1/payments": page([]),
    });
    renderApp("/");
    expect(await screen.findByRole("heading", { name: /let’s set up Expe/ })).toBeInTheDocument();
    expect(screen.getByText(/Confirm your email address/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Create merchant" }));
    expect(await screen.findByText("Enter the business name")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Business name"), "Chai Point");
    await userEvent.click(screen.getByRole("button", { name: "Create merchant" }));
    await userEvent.click(await screen.findByRole("button", { name: "Create project" }));
    await userEvent.click(await screen.findByRole("button", { name: "Create API key" }));
    expect(await screen.findByTestId("revealed-secret")).toHaveTextContent(
      "sk_test_1234567890abcdef",
    );
    expect(api.find("POST", "/api/v1/merchants")[0]!.body).toEqual({
      name: "Chai Point",
      country: "IN",
      defaultCurrency: "INR",
    });
    expect(api.find("POST", "/api/v1/merchants")[0]!.headers.get("Idempotency-Key")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Go to the dashboard" }));
    expect(await screen.findByRole("heading", { name: "Overview", level: 1 })).toBeInTheDocument();
    expect(await screen.findByText("No payments in the last 30 days")).toBeInTheDocument();
  });
});
