import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ApiKey } from "../api/types";
import { merchant, page, user } from "../test/fixtures";
import { apiError, empty, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";

const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user },
};

const key: ApiKey = {
  id: "key_1",
  merchantId: "mer_1",
  projectId: "prj_1",
  name: "Server",
  type: "secret",
  mode: "test",
  prefix: "sk_test_",
  last4: "abcd",
  status: "active",
  createdAt: "2026-11-01T00:00:00Z",
  lastUsedAt: "2026-12-01T09:00:00Z",
  expiresAt: null,
  ipAllowlist: ["203.0.113.0/24"],
};

describe("account settings", () => {
  it("saves the name, timezone and notifications", async () => {
    const api = mockApi({
      ...base,
      "PATCH /api/v1/auth/me": (call) => ({ user: { ...user, ...(call.body as object) } }),
    });
    renderApp("/settings");
    const name = await screen.findByLabelText("Name");
    await waitFor(() => expect(name).toHaveValue("Dev"));
    expect(screen.getByLabelText("Timezone")).toHaveValue("Asia/Kolkata");
    await userEvent.clear(name);
    await userEvent.type(name, "Devi");
    await userEvent.selectOptions(screen.getByLabelText("Timezone"), "Europe/London");
    await userEvent.click(screen.getByLabelText("Weekly summary"));
    await userEvent.click(screen.getByRole("button", { name: "Save account" }));
    expect(await screen.findByText("Account saved")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/v1/auth/me")[0]!.body).toEqual({
      name: "Devi",
      timezone: "Europe/London",
      notifications: { paymentFailures: true, webhookFailures: true, weeklySummary: true },
    });
  });

  it("says when the server cannot change the account", async () => {
    mockApi({ ...base, "PATCH /api/v1/auth/me": apiError(405, "method_not_allowed") });
    renderApp("/settings/account");
    await waitFor(() => expect(screen.getByLabelText("Name")).toHaveValue("Dev"));
    await userEvent.click(screen.getByRole("button", { name: "Save account" }));
    expect(
      await screen.findByText("This server does not support changing account details yet."),
    ).toBeInTheDocument();
  });
});

describe("security settings", () => {
  const security = {
    ...base,
    "GET /api/v1/auth/audit-logs": page([
      {
        id: "aud_1",
        action: "login.succeeded",
        at: "2026-12-01T10:00:00Z",
        actor: { type: "user" },
        target: {},
        ip: "127.0.0.1",
      },
    ]),
  };

  it("changes the password", async () => {
    const api = mockApi({ ...security, "POST /api/v1/auth/password/change": empty(204) });
    renderApp("/settings/security");
    await userEvent.type(await screen.findByLabelText("Current password"), "the old passphrase");
    await userEvent.type(screen.getByLabelText("New password"), "the old passphrase");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "the old passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText("Choose a password you have not used here")).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("New password"));
    await userEvent.clear(screen.getByLabelText("Confirm new password"));
    await userEvent.type(screen.getByLabelText("New password"), "a brand new passphrase");
    await userEvent.type(screen.getByLabelText("Confirm new password"), "a brand new passphrase");
    await userEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect(await screen.findByText(/Password changed/)).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/auth/password/change")[0]!.body).toEqual({
      currentPassword: "the old passphrase",
      newPassword: "a brand new passphrase",
    });
    expect(screen.getByText("login.succeeded")).toBeInTheDocument();
  });

  it("enrols two-step verification and shows the recovery codes", async () => {
    let enabled = false;
    const codes = Array.from({ length: 10 }, (_, i) => `code-${i}`);
    mockApi({
      ...security,
      "GET /api/v1/auth/me": () => ({ user: { ...user, twoFactorEnabled: enabled } }),
      "POST /api/v1/auth/2fa/enroll": {
        secret: "JBSWY3DPEHPK3PXP",
        otpauthUri: "otpauth://totp/Expe:dev?secret=JBSWY3DPEHPK3PXP",
        qrCodePng: "data:image/png;base64,AAAA",
      },
      "POST /api/v1/auth/2fa/confirm": (call) => {
        if ((call.body as { code: string }).code !== "123456")
          return apiError(400, "invalid_two_factor_code", "The code is wrong.");
        enabled = true;
        return json({ recoveryCodes: codes });
      },
      "POST /api/v1/auth/2fa/disable": () => {
        enabled = false;
        return empty(204);
      },
    });
    renderApp("/settings/security");
    await userEvent.click(
      await screen.findByRole("button", { name: "Set up two-step verification" }),
    );
    expect(await screen.findByRole("img", { name: /QR code/ })).toHaveAttribute(
      "src",
      "data:image/png;base64,AAAA",
    );
    expect(screen.getByTestId("totp-secret")).toHaveTextContent("JBSWY3DPEHPK3PXP");
    await userEvent.type(screen.getByLabelText("Authentication code"), "000000");
    await userEvent.click(screen.getByRole("button", { name: "Turn on two-step verification" }));
    expect(await screen.findByText("The code is wrong.")).toBeInTheDocument();
    await userEvent.clear(screen.getByLabelText("Authentication code"));
    await userEvent.type(screen.getByLabelText("Authentication code"), "123456");
    await userEvent.click(screen.getByRole("button", { name: "Turn on two-step verification" }));
    const list = await screen.findByRole("list", { name: "Recovery codes" });
    expect(within(list).getAllByRole("listitem")).toHaveLength(10);
    await userEvent.click(screen.getByRole("button", { name: "I saved my recovery codes" }));
    await userEvent.click(
      await screen.findByRole("button", { name: "Turn off two-step verification" }),
    );
    await userEvent.type(screen.getByLabelText("Authentication code"), "654321");
    await userEvent.click(screen.getByRole("button", { name: "Turn off" }));
    expect(await screen.findByText("Two-step verification turned off")).toBeInTheDocument();
  });
});

describe("API keys", () => {
  const keys = {
    ...base,
    "GET /api/v1/merchants/mer_1/projects": page([
      { id: "prj_1", merchantId: "mer_1", name: "Web shop", createdAt: "2026-11-01T00:00:00Z" },
    ]),
    "GET /api/v1/projects/prj_1/api-keys": page([
      key,
      { ...key, id: "key_2", status: "revoked", name: null, ipAllowlist: [] },
    ]),
  };

  it("lists keys with their last use and allowlist", async () => {
    mockApi(keys);
    renderApp("/settings/api-keys");
    const table = await screen.findByRole("table", { name: "API keys" });
    expect(within(table).getAllByText("sk_test_…abcd", { exact: false })).toHaveLength(2);
    expect(within(table).getByText("203.0.113.0/24")).toBeInTheDocument();
    expect(within(table).getByText("Unnamed key")).toBeInTheDocument();
    expect(within(table).getByText("Revoked")).toBeInTheDocument();
  });

  it("creates a key and shows the secret once", async () => {
    const api = mockApi({
      ...keys,
      "POST /api/v1/projects/prj_1/api-keys": json(
        { ...key, id: "key_3", secret: "sk_test_SECRETSECRETSECRET" },
        201,
      ),
    });
    renderApp("/settings/api-keys");
    await userEvent.click(await screen.findByRole("button", { name: "Create key" }));
    const dialog = screen.getByRole("dialog", { name: "Create an API key" });
    await userEvent.type(within(dialog).getByLabelText("IP allowlist (optional)"), "not-an-ip");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create key" }));
    expect(
      await within(dialog).findByText(/Enter IP addresses or CIDR ranges/),
    ).toBeInTheDocument();
    await userEvent.clear(within(dialog).getByLabelText("IP allowlist (optional)"));
    await userEvent.type(
      within(dialog).getByLabelText("IP allowlist (optional)"),
      "10.0.0.1{enter}192.168.0.0/16",
    );
    await userEvent.type(within(dialog).getByLabelText("Key name (optional)"), "CI");
    await userEvent.click(within(dialog).getByRole("button", { name: "Create key" }));
    expect(await screen.findByTestId("revealed-secret")).toHaveTextContent(
      "sk_test_SECRETSECRETSECRET",
    );
    expect(api.find("POST", "/api/v1/projects/prj_1/api-keys")[0]!.body).toEqual({
      type: "secret",
      mode: "test",
      name: "CI",
      ipAllowlist: ["10.0.0.1", "192.168.0.0/16"],
    });
  });

  it("rotates with a grace period, edits and revokes", async () => {
    const api = mockApi({
      ...keys,
      "POST /api/v1/api-keys/key_1/rotate": json(
        { ...key, id: "key_4", secret: "sk_test_ROTATEDROTATED" },
        201,
      ),
      "POST /api/v1/api-keys/key_1/revoke": { ...key, status: "revoked" },
      "PATCH /api/v1/api-keys/key_1": key,
    });
    renderApp("/settings/api-keys");
    await userEvent.click(await screen.findByRole("button", { name: "Rotate" }));
    await userEvent.selectOptions(screen.getByLabelText("Grace period"), "3600");
    await userEvent.click(screen.getByRole("button", { name: "Rotate key" }));
    expect(await screen.findByTestId("revealed-secret")).toHaveTextContent(
      "sk_test_ROTATEDROTATED",
    );
    expect(api.find("POST", "/api/v1/api-keys/key_1/rotate")[0]!.body).toEqual({
      gracePeriodSeconds: 3600,
    });
    await userEvent.click(screen.getByRole("button", { name: "Done" }));

    await userEvent.click(screen.getByRole("button", { name: "Edit" }));
    const edit = screen.getByRole("dialog", { name: "Edit API key" });
    await userEvent.clear(within(edit).getByLabelText("IP allowlist"));
    await userEvent.click(within(edit).getByRole("button", { name: "Save key" }));
    expect(await screen.findByText("Key saved")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/v1/api-keys/key_1")[0]!.body).toEqual({
      name: "Server",
      ipAllowlist: [],
    });

    await userEvent.click(screen.getByRole("button", { name: "Revoke" }));
    await userEvent.click(
      within(screen.getByRole("dialog", { name: "Revoke API key?" })).getByRole("button", {
        name: "Revoke key",
      }),
    );
    expect(await screen.findByText("Key revoked")).toBeInTheDocument();
  });

  it("creates a project", async () => {
    const api = mockApi({
      ...keys,
      "POST /api/v1/merchants/mer_1/projects": json(
        { id: "prj_2", merchantId: "mer_1", name: "App", createdAt: "2026-12-01T00:00:00Z" },
        201,
      ),
    });
    renderApp("/settings/api-keys");
    await userEvent.click(await screen.findByRole("button", { name: "New project" }));
    await userEvent.type(screen.getByLabelText("Project name"), "App");
    await userEvent.click(screen.getByRole("button", { name: "Create project" }));
    await waitFor(() =>
      expect(api.find("POST", "/api/v1/merchants/mer_1/projects")[0]!.body).toEqual({
        name: "App",
      }),
    );
  });
});

describe("team, audit log and limits", () => {
  it("invites a teammate, lists the invitations waiting and changes a role", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/merchants/mer_1/invitations": {
        data: [
          {
            id: "inv_0",
            merchantId: "mer_1",
            email: "waiting@example.com",
            role: "developer",
            status: "pending",
            createdAt: "2026-11-30T00:00:00Z",
            expiresAt: "2026-12-07T00:00:00Z",
          },
        ],
      },
      "GET /api/v1/merchants/mer_1/members": page([
        {
          merchantId: "mer_1",
          userId: "usr_1",
          email: "dev@example.com",
          role: "owner",
          joinedAt: "2026-11-01T00:00:00Z",
        },
        {
          merchantId: "mer_1",
          userId: "usr_2",
          email: "ana@example.com",
          role: "viewer",
          joinedAt: "2026-11-02T00:00:00Z",
        },
      ]),
      "POST /api/v1/merchants/mer_1/members": json(
        {
          id: "inv_1",
          merchantId: "mer_1",
          email: "new@example.com",
          role: "viewer",
          status: "pending",
          createdAt: "2026-12-01T00:00:00Z",
          expiresAt: "2026-12-08T00:00:00Z",
        },
        201,
      ),
      "PATCH /api/v1/merchants/mer_1/members/usr_2": {
        merchantId: "mer_1",
        userId: "usr_2",
        role: "developer",
      },
      "DELETE /api/v1/merchants/mer_1/members/usr_2": empty(204),
    });
    renderApp("/settings/team");
    expect(await screen.findByText("(you)")).toBeInTheDocument();
    expect(await screen.findByText("waiting@example.com · developer")).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByLabelText("Role of ana@example.com"), "developer");
    expect(await screen.findByText("Role changed")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Email"), "new@example.com");
    await userEvent.selectOptions(screen.getByLabelText("Role"), "viewer");
    await userEvent.click(screen.getByRole("button", { name: "Send invitation" }));
    expect(await screen.findByText("Invitation sent to new@example.com")).toBeInTheDocument();
    expect(api.find("GET", "/api/v1/merchants/mer_1/invitations").length).toBeGreaterThan(1);
    expect(api.find("POST", "/api/v1/merchants/mer_1/members")[0]!.body).toEqual({
      email: "new@example.com",
      role: "viewer",
    });
    await userEvent.click(screen.getByRole("button", { name: "Remove" }));
    expect(await screen.findByText("Member removed")).toBeInTheDocument();
  });

  it("shows the audit log to owners and explains it to others", async () => {
    mockApi({
      ...base,
      "GET /api/v1/merchants/mer_1/audit-logs": page([
        {
          id: "aud_1",
          action: "api_key.created",
          at: "2026-12-01T10:00:00Z",
          actor: { type: "user", email: "dev@example.com" },
          target: { keyId: "key_1" },
          ip: "10.0.0.1",
        },
      ]),
    });
    const { unmount } = renderApp("/settings/audit-log");
    expect(await screen.findByText("api_key.created")).toBeInTheDocument();
    expect(screen.getByText("keyId: key_1")).toBeInTheDocument();
    unmount();
    mockApi({ ...base, "GET /api/v1/merchants/mer_1/audit-logs": apiError(403, "role_required") });
    renderApp("/settings/audit-log");
    expect(await screen.findByText("Only owners can read the audit log")).toBeInTheDocument();
  });

  it("lists the rate limits that apply", async () => {
    mockApi({
      ...base,
      "GET /api/v1/rate-limits": {
        enabled: true,
        data: [{ name: "user", limit: 50, windowSeconds: 1, remaining: 49, resetSeconds: 0.02 }],
      },
    });
    renderApp("/settings/limits");
    expect(await screen.findByText("50 per second")).toBeInTheDocument();
    expect(screen.getByText("49")).toBeInTheDocument();
  });
});
