import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { merchant, page, tokens } from "../test/fixtures";
import { apiError, empty, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { safeNext } from "../lib/next";

const dashboard = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user: tokens.user },
  "GET /api/v1/analytics/overview": apiError(404, "resource_not_found"),
  "GET /api/v1/payments": page([]),
};

describe("logging in", () => {
  it("checks the fields before asking the server", async () => {
    const api = mockApi({});
    renderApp("/login", { loggedIn: false });
    await userEvent.click(await screen.findByRole("button", { name: "Log in" }));
    expect(await screen.findByText("Enter your email address")).toBeInTheDocument();
    expect(screen.getByText("Enter your password")).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);
  });

  it("shows the server's answer to wrong credentials", async () => {
    mockApi({
      "POST /api/v1/auth/login": apiError(
        401,
        "invalid_credentials",
        "The email or password is wrong.",
      ),
    });
    renderApp("/login", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Email"), "dev@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "wrong password");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The email or password is wrong.");
  });

  it("asks for the second factor and logs in with it", async () => {
    const api = mockApi({
      ...dashboard,
      "POST /api/v1/auth/login": (call) =>
        (call.body as { totpCode?: string }).totpCode === "123456"
          ? json(tokens)
          : apiError(401, "two_factor_required", "Send totpCode."),
    });
    renderApp("/login?next=/transactions", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Email"), "dev@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "a long unusual passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    await screen.findByRole("heading", { name: "Two-step verification" });
    await userEvent.type(screen.getByLabelText("Authentication code"), "000000");
    await userEvent.click(screen.getByRole("button", { name: "Verify" }));
    expect(await screen.findByText("That code is wrong or was already used.")).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Authentication code"));
    await userEvent.type(screen.getByLabelText("Authentication code"), "123 456");
    await userEvent.click(screen.getByRole("button", { name: "Verify" }));
    await screen.findByRole("heading", { name: "Transactions", level: 1 });
    expect(api.find("POST", "/api/v1/auth/login").at(-1)!.body).toMatchObject({
      totpCode: "123456",
    });
    expect(localStorage.getItem("expe.refreshToken")).toBe("rt_1");
  });

  it("offers a recovery code instead", async () => {
    const api = mockApi({
      ...dashboard,
      "POST /api/v1/auth/login": (call) =>
        (call.body as { recoveryCode?: string }).recoveryCode
          ? json(tokens)
          : apiError(401, "two_factor_required"),
    });
    renderApp("/login", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Email"), "dev@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "a long unusual passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Log in" }));
    await userEvent.click(await screen.findByRole("button", { name: "Use a recovery code" }));
    await userEvent.type(screen.getByLabelText("Recovery code"), "abcd-efgh");
    await userEvent.click(screen.getByRole("button", { name: "Verify" }));
    await screen.findByRole("heading", { name: "Overview", level: 1 });
    expect(api.find("POST", "/api/v1/auth/login").at(-1)!.body).toMatchObject({
      recoveryCode: "abcd-efgh",
    });
  });

  it("only follows next= within the app", () => {
    expect(safeNext("/payments/pay_1")).toBe("/payments/pay_1");
    expect(safeNext("//evil.example")).toBe("/");
    expect(safeNext("https://evil.example")).toBe("/");
    expect(safeNext(null)).toBe("/");
  });

  it("sends a logged-out visitor to the login page", async () => {
    mockApi({});
    renderApp("/transactions", { loggedIn: false });
    expect(await screen.findByRole("heading", { name: "Log in to Expe" })).toBeInTheDocument();
    expect(window.location.search).toContain("next=%2Ftransactions");
  });

  it("restores the session from the stored refresh token", async () => {
    localStorage.setItem("expe.refreshToken", "rt_0");
    const api = mockApi({ ...dashboard, "POST /api/v1/auth/refresh": json(tokens) });
    renderApp("/", { loggedIn: false });
    await screen.findByRole("heading", { name: "Overview", level: 1 });
    expect(api.find("POST", "/api/v1/auth/refresh")[0]!.body).toEqual({ refreshToken: "rt_0" });
  });
});

describe("signing up", () => {
  it("validates the password length", async () => {
    const api = mockApi({});
    renderApp("/register", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Full name"), "Dev");
    await userEvent.type(screen.getByLabelText("Email"), "dev@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "short");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("Use at least 10 characters")).toBeInTheDocument();
    expect(api.calls).toHaveLength(0);
  });

  it("shows a field error the server names", async () => {
    mockApi({
      "POST /api/v1/auth/register": apiError(
        400,
        "weak_password",
        "This password is too common.",
        "password",
      ),
    });
    renderApp("/register", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Full name"), "Dev");
    await userEvent.type(screen.getByLabelText("Email"), "dev@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "password1234");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText("This password is too common.")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("aria-invalid", "true");
  });

  it("registers and offers to resend the email", async () => {
    const api = mockApi({
      "POST /api/v1/auth/register": json({ user: tokens.user }, 201),
      "POST /api/v1/auth/verify-email/resend": empty(202),
    });
    renderApp("/register", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Full name"), "Dev");
    await userEvent.type(screen.getByLabelText("Email"), "dev@example.com");
    await userEvent.type(screen.getByLabelText("Password"), "a long unusual passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Create account" }));
    await screen.findByRole("heading", { name: "Check your email" });
    await userEvent.click(screen.getByRole("button", { name: "Send the email again" }));
    expect(await screen.findByText("We sent the email again")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/auth/verify-email/resend")[0]!.body).toEqual({
      email: "dev@example.com",
    });
  });
});

describe("verifying the email", () => {
  it("posts the link's token once", async () => {
    const api = mockApi({ "POST /api/v1/auth/verify-email": { user: tokens.user } });
    renderApp("/verify-email?token=tok_1", { loggedIn: false });
    expect(await screen.findByRole("heading", { name: "Email verified" })).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/auth/verify-email")).toHaveLength(1);
    expect(api.calls[0]!.body).toEqual({ token: "tok_1" });
  });

  it("lets a pasted code in when the link fails", async () => {
    let tries = 0;
    mockApi({
      "POST /api/v1/auth/verify-email": () =>
        tries++ === 0
          ? apiError(400, "invalid_token", "The token is used or expired.")
          : json({ user: tokens.user }),
    });
    renderApp("/verify-email?token=old", { loggedIn: false });
    expect(await screen.findByRole("alert")).toHaveTextContent("The token is used or expired.");
    await userEvent.type(screen.getByLabelText("Verification code"), "fresh");
    await userEvent.click(screen.getByRole("button", { name: "Verify email" }));
    expect(await screen.findByRole("heading", { name: "Email verified" })).toBeInTheDocument();
  });
});

describe("passwords", () => {
  it("asks for a reset link", async () => {
    const api = mockApi({ "POST /api/v1/auth/password/forgot": empty(202) });
    renderApp("/forgot-password", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("Email"), "dev@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Send reset link" }));
    await screen.findByRole("heading", { name: "Check your email" });
    expect(api.calls[0]!.body).toEqual({ email: "dev@example.com" });
  });

  it("sets a new password with the link's token", async () => {
    const api = mockApi({ "POST /api/v1/auth/password/reset": empty(204) });
    renderApp("/reset-password?token=tok_r", { loggedIn: false });
    await userEvent.type(await screen.findByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "a different passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    expect(await screen.findByText("The passwords do not match")).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Confirm new password"));
    await userEvent.type(screen.getByLabelText("Confirm new password"), "a brand new passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Set new password" }));
    await screen.findByRole("heading", { name: "Password changed" });
    expect(api.calls[0]!.body).toEqual({ token: "tok_r", newPassword: "a brand new passphrase" });
  });
});

describe("invitations", () => {
  it("joins the merchant and switches to it", async () => {
    const api = mockApi({
      ...dashboard,
      "POST /api/v1/invitations/accept": {
        merchantId: "mer_1",
        userId: "usr_1",
        role: "developer",
        email: "dev@example.com",
        joinedAt: "2026-12-01T00:00:00Z",
      },
    });
    renderApp("/invitations/accept?token=inv_1_abc");
    await userEvent.click(await screen.findByRole("button", { name: "Accept invitation" }));
    await screen.findByRole("heading", { name: "Overview", level: 1 });
    await waitFor(() =>
      expect(api.find("POST", "/api/v1/invitations/accept")[0]!.body).toEqual({
        token: "inv_1_abc",
      }),
    );
  });
});
