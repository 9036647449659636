import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it, vi } from "vitest";
import { invalidateFor } from "../live/LiveProvider";
import { merchant, page, payment, tokens, user } from "../test/fixtures";
import { apiError, empty, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { ErrorBoundary } from "../ui/ErrorBoundary";
import { isTyping, shortcutListener } from "./shortcuts";

const other = { ...merchant, id: "mer_2", name: "Dosa Corner" };
const base = {
  "GET /api/v1/merchants": page([merchant, other]),
  "GET /api/v1/auth/me": { user },
  "GET /api/v1/analytics/overview": apiError(404, "resource_not_found"),
  "GET /api/v1/payments": page([payment()]),
};

describe("the dashboard layout", () => {
  it("has landmarks, one h1 and the test-mode banner", async () => {
    mockApi(base);
    renderApp("/");
    expect(await screen.findByRole("heading", { level: 1, name: "Overview" })).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
    expect(screen.getByRole("main")).toBeInTheDocument();
    expect(screen.getByRole("banner")).toBeInTheDocument();
    expect(screen.getByRole("note")).toHaveTextContent("Test mode");
    expect(screen.getAllByRole("heading", { level: 1 })).toHaveLength(1);
  });

  it("switches mode and merchant, and every request follows", async () => {
    const api = mockApi(base);
    renderApp("/transactions");
    await screen.findByRole("table", { name: "Payments" });
    await userEvent.click(screen.getByRole("switch", { name: "Test mode" }));
    expect(screen.getByRole("switch", { name: "Test mode" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/payments").at(-1)!.headers.get("Expe-Mode")).toBe("live"),
    );
    expect(screen.queryByRole("note")).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Merchant"), "mer_2");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/payments").at(-1)!.headers.get("Expe-Merchant")).toBe(
        "mer_2",
      ),
    );
    expect(localStorage.getItem("expe.merchant")).toBe("mer_2");
    expect(localStorage.getItem("expe.mode")).toBe("live");
  });

  it("goes places with keyboard shortcuts and lists them on ?", async () => {
    mockApi({ ...base, "GET /api/v1/webhooks/endpoints": page([]) });
    renderApp("/");
    await screen.findByRole("heading", { level: 1, name: "Overview" });
    await userEvent.keyboard("gt");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Transactions" }),
    ).toBeInTheDocument();
    await userEvent.keyboard("/");
    expect(screen.getByRole("searchbox", { name: "Search" })).toHaveFocus();
    screen.getByRole("searchbox", { name: "Search" }).blur();
    await userEvent.keyboard("gw");
    expect(await screen.findByRole("heading", { level: 1, name: "Webhooks" })).toBeInTheDocument();
    await userEvent.keyboard("?");
    expect(screen.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Close" }));
    await userEvent.keyboard("d");
    expect(document.documentElement.dataset.theme).toBe("dark");
    await userEvent.keyboard("m");
    expect(screen.getByRole("switch", { name: "Test mode" })).toHaveAttribute(
      "aria-checked",
      "false",
    );
  });

  it("toggles the theme and remembers it", async () => {
    mockApi(base);
    renderApp("/");
    await userEvent.click(await screen.findByRole("button", { name: "Switch to dark mode" }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("expe.theme")).toBe("dark");
    await userEvent.click(screen.getByRole("button", { name: "Switch to light mode" }));
    expect(document.documentElement.dataset.theme).toBe("light");
  });

  it("logs out", async () => {
    const api = mockApi({ ...base, "POST /api/v1/auth/logout": empty(204) });
    renderApp("/");
    await userEvent.click(await screen.findByRole("button", { name: "Log out" }));
    expect(await screen.findByRole("heading", { name: "Log in to Expe" })).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/auth/logout")[0]!.headers.get("Authorization")).toBe(
      `Bearer ${tokens.accessToken}`,
    );
    expect(localStorage.getItem("expe.refreshToken")).toBeNull();
  });

  it("shows an offline banner", async () => {
    mockApi(base);
    renderApp("/");
    await screen.findByRole("heading", { level: 1, name: "Overview" });
    const online = vi.spyOn(navigator, "onLine", "get").mockReturnValue(false);
    act(() => {
      window.dispatchEvent(new Event("offline"));
    });
    expect(screen.getByText(/You are offline/)).toBeInTheDocument();
    online.mockRestore();
    act(() => {
      window.dispatchEvent(new Event("online"));
    });
  });

  it("shows a page for unknown addresses", async () => {
    mockApi(base);
    renderApp("/nowhere");
    expect(await screen.findByRole("heading", { name: "Page not found" })).toBeInTheDocument();
  });

  it("explains when merchants cannot load", async () => {
    mockApi({
      ...base,
      "GET /api/v1/merchants": apiError(403, "email_not_verified", "Verify your email first."),
    });
    renderApp("/");
    expect(await screen.findByText("Verify your email first.")).toBeInTheDocument();
  });

  it("follows a logout in another tab", async () => {
    mockApi(base);
    renderApp("/");
    await screen.findByRole("heading", { level: 1, name: "Overview" });
    localStorage.removeItem("expe.refreshToken");
    act(() => {
      window.dispatchEvent(
        new StorageEvent("storage", { key: "expe.refreshToken", newValue: null }),
      );
    });
    expect(await screen.findByRole("heading", { name: "Log in to Expe" })).toBeInTheDocument();
  });
});

describe("shortcut keys", () => {
  it("ignores keys typed into fields and with modifiers", () => {
    const go = vi.fn();
    const listener = shortcutListener({
      go,
      search: vi.fn(),
      help: vi.fn(),
      toggleMode: vi.fn(),
      toggleTheme: vi.fn(),
    });
    const input = document.createElement("input");
    expect(isTyping(input)).toBe(true);
    expect(isTyping(null)).toBe(false);
    listener(new KeyboardEvent("keydown", { key: "g", ctrlKey: true }));
    listener(new KeyboardEvent("keydown", { key: "g" }));
    listener(new KeyboardEvent("keydown", { key: "x" }));
    expect(go).not.toHaveBeenCalled();
    listener(new KeyboardEvent("keydown", { key: "g" }));
    listener(new KeyboardEvent("keydown", { key: "s" }));
    expect(go).toHaveBeenCalledWith("/settings");
  });
});

describe("live events", () => {
  it("invalidate the queries they change", () => {
    const client = new QueryClient();
    const spy = vi.spyOn(client, "invalidateQueries");
    invalidateFor(client, {
      type: "event",
      id: "evt_1",
      event: "payment.completed",
      data: { paymentId: "pay_1" },
    });
    const keys = spy.mock.calls.map(([filters]) => JSON.stringify(filters?.queryKey));
    expect(keys).toEqual(
      expect.arrayContaining([
        '["payments"]',
        '["overview"]',
        '["payment","pay_1"]',
        '["payment-webhooks","pay_1"]',
        '["wallets"]',
      ]),
    );
    spy.mockClear();
    invalidateFor(client, {
      type: "event",
      id: "evt_2",
      event: "webhook.attempt",
      data: { paymentId: "pay_1" },
    });
    expect(spy.mock.calls.map(([filters]) => JSON.stringify(filters?.queryKey))).toEqual([
      '["webhook-attempts"]',
      '["webhook-endpoints"]',
      '["payment-webhooks","pay_1"]',
    ]);
  });
});

describe("the error boundary", () => {
  it("catches a crashing page and tries again", async () => {
    let crash = true;
    function Page() {
      if (crash) throw new Error("Boom");
      return <p>Fine now</p>;
    }
    const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined);
    render(
      <ErrorBoundary>
        <Page />
      </ErrorBoundary>,
    );
    expect(screen.getByText("This page ran into a problem")).toBeInTheDocument();
    expect(screen.getByText("Boom")).toBeInTheDocument();
    crash = false;
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(screen.getByText("Fine now")).toBeInTheDocument();
    quiet.mockRestore();
  });
});
