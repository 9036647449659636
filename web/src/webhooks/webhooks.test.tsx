import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Endpoint } from "../api/types";
import { merchant, page, tokens } from "../test/fixtures";
import { apiError, empty, json, mockApi } from "../test/mockApi";
import { renderApp } from "../test/render";
import { describeEvents } from "./events";

const endpoint: Endpoint = {
  id: "we_1",
  url: "https://shop.example/hooks",
  mode: "test",
  description: "Shop",
  enabledEvents: ["payment.*", "refund.issued"],
  enabled: true,
  status: "enabled",
  verification: "none",
  handshake: null,
  failingSince: "2026-12-01T09:00:00Z",
  createdAt: "2026-11-01T00:00:00Z",
  updatedAt: "2026-11-01T00:00:00Z",
};

const attempt = (id: string, status: "failed" | "succeeded", extra = {}) => ({
  id,
  messageId: "msg_1",
  endpointId: "we_1",
  eventType: "refund.issued",
  paymentId: "pay_1",
  trigger: "automatic",
  status,
  url: endpoint.url,
  responseStatus: status === "failed" ? 500 : 200,
  latencyMs: 12.3,
  startedAt: "2026-12-01T10:00:00Z",
  ...extra,
});

const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user: tokens.user },
  "GET /api/v1/webhooks/endpoints": page([endpoint]),
};

describe("webhook endpoints", () => {
  it("lists endpoints with their state", async () => {
    mockApi(base);
    renderApp("/webhooks");
    const item = await screen.findByRole("listitem", { name: `Endpoint ${endpoint.url}` });
    expect(within(item).getByText("Enabled")).toBeInTheDocument();
    expect(within(item).getByText("Failing")).toBeInTheDocument();
    expect(within(item).getByText(/payment\.\*, refund\.issued/)).toBeInTheDocument();
    expect(describeEvents(["*"])).toBe("All events");
  });

  it("shows an empty state", async () => {
    mockApi({ ...base, "GET /api/v1/webhooks/endpoints": page([]) });
    renderApp("/webhooks");
    expect(await screen.findByText("No test endpoints yet")).toBeInTheDocument();
  });

  it("creates an endpoint and shows its secret once", async () => {
    const api = mockApi({
      ...base,
      "POST /api/v1/webhooks/endpoints": json(
        { ...endpoint, id: "we_2", secret: "whsec_abc" },
        201,
      ),
    });
    renderApp("/webhooks");
    await userEvent.click(await screen.findByRole("button", { name: "Add endpoint" }));
    const dialog = screen.getByRole("dialog", { name: "Add a webhook endpoint" });
    await userEvent.type(within(dialog).getByLabelText("Endpoint URL"), "not a url");
    await userEvent.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    expect(
      await within(dialog).findByText("Enter a full http:// or https:// URL"),
    ).toBeInTheDocument();
    await userEvent.clear(within(dialog).getByLabelText("Endpoint URL"));
    await userEvent.type(within(dialog).getByLabelText("Endpoint URL"), "https://shop.example/new");
    await userEvent.click(within(dialog).getByLabelText("refund.issued"));
    await userEvent.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    const shown = await screen.findByRole("dialog", { name: "Endpoint added" });
    expect(within(shown).getByTestId("revealed-secret")).toHaveTextContent("whsec_abc");
    expect(api.find("POST", "/api/v1/webhooks/endpoints")[0]!.body).toEqual({
      url: "https://shop.example/new",
      enabledEvents: ["*", "refund.issued"],
    });
    await userEvent.click(within(shown).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("disables, replays, rotates, edits and deletes", async () => {
    const api = mockApi({
      ...base,
      "PATCH /api/v1/webhooks/endpoints/we_1": (call) => ({
        ...endpoint,
        ...(call.body as object),
      }),
      "POST /api/v1/webhooks/endpoints/we_1/replay": json({ endpointId: "we_1", queued: 3 }, 202),
      "POST /api/v1/webhooks/endpoints/we_1/rotate-secret": {
        endpointId: "we_1",
        secret: "whsec_new",
        previousSecretExpiresAt: "2026-12-02T00:00:00Z",
      },
      "DELETE /api/v1/webhooks/endpoints/we_1": empty(204),
    });
    renderApp("/webhooks");
    const item = await screen.findByRole("listitem", { name: `Endpoint ${endpoint.url}` });
    await userEvent.click(within(item).getByRole("button", { name: "Disable" }));
    expect(await screen.findByText("Endpoint disabled")).toBeInTheDocument();
    expect(api.find("PATCH", "/api/v1/webhooks/endpoints/we_1")[0]!.body).toEqual({
      enabled: false,
    });

    await userEvent.click(within(item).getByRole("button", { name: "Replay" }));
    const replay = screen.getByRole("dialog", { name: "Replay events" });
    await userEvent.click(within(replay).getByRole("button", { name: "Replay events" }));
    expect(await screen.findByText("Queued 3 events again")).toBeInTheDocument();
    const replayed = api.find("POST", "/api/v1/webhooks/endpoints/we_1/replay")[0]!;
    expect(replayed.body).toMatchObject({ since: expect.stringMatching(/Z$/) });
    expect(replayed.headers.get("Idempotency-Key")).toBeTruthy();

    await userEvent.click(within(item).getByRole("button", { name: "Rotate secret" }));
    await userEvent.click(
      within(screen.getByRole("dialog", { name: "Rotate signing secret" })).getByRole("button", {
        name: "Rotate secret",
      }),
    );
    expect(await screen.findByTestId("revealed-secret")).toHaveTextContent("whsec_new");
    expect(api.find("POST", "/api/v1/webhooks/endpoints/we_1/rotate-secret")[0]!.body).toEqual({
      graceSeconds: 86400,
    });
    await userEvent.click(screen.getByRole("button", { name: "Done" }));

    await userEvent.click(within(item).getByRole("button", { name: "Edit" }));
    const edit = screen.getByRole("dialog", { name: "Edit endpoint" });
    await userEvent.clear(within(edit).getByLabelText("Description (optional)"));
    await userEvent.type(within(edit).getByLabelText("Description (optional)"), "Main shop");
    await userEvent.click(within(edit).getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Endpoint saved")).toBeInTheDocument();
    // The handshake left as it was is not sent.
    expect(api.find("PATCH", "/api/v1/webhooks/endpoints/we_1").at(-1)!.body).toEqual({
      url: endpoint.url,
      description: "Main shop",
      enabledEvents: endpoint.enabledEvents,
    });

    await userEvent.click(within(item).getByRole("button", { name: "Delete" }));
    await userEvent.click(
      within(screen.getByRole("dialog", { name: "Delete endpoint?" })).getByRole("button", {
        name: "Delete endpoint",
      }),
    );
    expect(await screen.findByText("Endpoint deleted")).toBeInTheDocument();
  });
});

describe("the attempts log", () => {
  it("filters, opens an attempt and retries a failed one", async () => {
    let retried = false;
    const api = mockApi({
      ...base,
      "GET /api/v1/webhooks/attempts": () =>
        page(
          retried
            ? [attempt("wa_2", "succeeded", { trigger: "manual" }), attempt("wa_1", "failed")]
            : [attempt("wa_1", "failed")],
        ),
      "GET /api/v1/webhooks/attempts/wa_1": {
        ...attempt("wa_1", "failed"),
        request: { headers: { "webhook-id": "msg_1" }, body: '{"type":"refund.issued"}' },
        response: { status: 500, body: "oops" },
      },
      "POST /api/v1/webhooks/wa_1/retry": () => {
        retried = true;
        return json(attempt("wa_2", "succeeded", { trigger: "manual" }), 201);
      },
    });
    renderApp("/webhooks/attempts?paymentId=pay_1");
    await screen.findByRole("table", { name: "Webhook delivery attempts" });
    expect(api.find("GET", "/api/v1/webhooks/attempts")[0]!.query.get("paymentId")).toBe("pay_1");
    await userEvent.selectOptions(screen.getByLabelText("Attempt status"), "failed");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/webhooks/attempts").at(-1)!.query.get("status")).toBe(
        "failed",
      ),
    );

    await userEvent.click(screen.getByRole("button", { name: "View attempt wa_1" }));
    const dialog = await screen.findByRole("dialog", { name: "Delivery attempt" });
    expect(await within(dialog).findByLabelText("Request body")).toHaveTextContent(
      '"type": "refund.issued"',
    );
    expect(within(dialog).getByLabelText("Response body")).toHaveTextContent("oops");
    await userEvent.click(within(dialog).getByRole("button", { name: "Close" }));

    await userEvent.click(screen.getByRole("button", { name: "Retry attempt wa_1" }));
    expect(await screen.findByText("Delivered: HTTP 200")).toBeInTheDocument();
    expect(await screen.findByRole("button", { name: "View attempt wa_2" })).toBeInTheDocument();
  });

  it("reports a retry that fails again", async () => {
    mockApi({
      ...base,
      "GET /api/v1/webhooks/attempts": page([attempt("wa_1", "failed")]),
      "POST /api/v1/webhooks/wa_1/retry": apiError(
        409,
        "endpoint_disabled",
        "The endpoint is disabled.",
      ),
    });
    renderApp("/webhooks/attempts");
    await userEvent.click(await screen.findByRole("button", { name: "Retry attempt wa_1" }));
    expect(await screen.findByText("The endpoint is disabled.")).toBeInTheDocument();
  });

  it("shows an empty log", async () => {
    mockApi({ ...base, "GET /api/v1/webhooks/attempts": page([]) });
    renderApp("/webhooks/attempts");
    expect(await screen.findByText("No delivery attempts")).toBeInTheDocument();
  });
});

describe("the signature helper", () => {
  it("checks a signature and says why it fails", async () => {
    const api = mockApi({
      ...base,
      "POST /api/v1/webhooks/verify": {
        valid: false,
        reason: "signature_mismatch",
        message: "No signature matches.",
      },
    });
    renderApp("/webhooks/verify");
    await userEvent.click(await screen.findByRole("button", { name: "Verify signature" }));
    expect(
      await screen.findByText("Paste the endpoint's signing secret (whsec_…)"),
    ).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Signing secret"), "whsec_abc");
    await userEvent.type(screen.getByLabelText("webhook-id header"), "msg_1");
    await userEvent.type(screen.getByLabelText("webhook-timestamp header"), "1738318502");
    await userEvent.type(screen.getByLabelText("webhook-signature header"), "v1,xyz");
    await userEvent.type(screen.getByLabelText("Raw body"), "body");
    await userEvent.click(screen.getByRole("button", { name: "Verify signature" }));
    expect(await screen.findByText(/No signature matches\./)).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/webhooks/verify")[0]!.body).toEqual({
      secret: "whsec_abc",
      body: "body",
      headers: {
        "webhook-id": "msg_1",
        "webhook-timestamp": "1738318502",
        "webhook-signature": "v1,xyz",
      },
    });
  });
});

const pending: Endpoint = {
  ...endpoint,
  enabled: false,
  status: "pending_verification",
  disabledReason: "pending_verification",
  verification: "challenge",
  failingSince: null,
  handshake: {
    status: "pending",
    challengedAt: "2026-12-01T10:00:00Z",
    verifiedAt: null,
    attemptId: "wa_c",
    failure: {
      code: "http_status",
      message: "The endpoint answered 404; the challenge needs a 2xx answer that echoes it.",
      responseStatus: 404,
      responseBody: "Not Found",
    },
  },
};

const verified: Endpoint = {
  ...pending,
  enabled: true,
  status: "enabled",
  disabledReason: null,
  handshake: {
    status: "verified",
    challengedAt: "2026-12-01T10:05:00Z",
    verifiedAt: "2026-12-01T10:05:00Z",
    attemptId: "wa_d",
    failure: null,
  },
};

describe("the endpoint handshake", () => {
  it("adds an endpoint that must echo a challenge and says why it did not", async () => {
    const failed = {
      ...pending,
      id: "we_2",
      handshake: {
        ...pending.handshake!,
        failure: {
          code: "connection_error",
          message: "ConnectError: All connection attempts failed (check the URL's host and port).",
          responseStatus: null,
          responseBody: null,
        },
      },
    };
    const api = mockApi({
      ...base,
      "GET /api/v1/webhooks/endpoints": () => page([endpoint, failed]),
      "POST /api/v1/webhooks/endpoints": json({ ...failed, secret: "whsec_abc" }, 201),
    });
    renderApp("/webhooks");
    await userEvent.click(await screen.findByRole("button", { name: "Add endpoint" }));
    const dialog = screen.getByRole("dialog", { name: "Add a webhook endpoint" });
    await userEvent.type(within(dialog).getByLabelText("Endpoint URL"), "https://shop.example/nw");
    await userEvent.click(within(dialog).getByLabelText("Verify the URL before sending events"));
    await userEvent.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    const shown = await screen.findByRole("dialog", { name: "Endpoint added" });
    expect(within(shown).getByText("Nothing accepted the connection")).toBeInTheDocument();
    expect(within(shown).getByText(/All connection attempts failed/)).toBeInTheDocument();
    const created = api.find("POST", "/api/v1/webhooks/endpoints")[0]!;
    expect(created.body).toEqual({
      url: "https://shop.example/nw",
      enabledEvents: ["*"],
      verification: "challenge",
    });
    expect(created.headers.get("Idempotency-Key")).toBeTruthy();
    await userEvent.click(within(shown).getByRole("button", { name: "Done" }));
    const item = await screen.findAllByRole("listitem", { name: `Endpoint ${endpoint.url}` });
    const waiting = item.find((li) => within(li).queryByText("Pending verification"))!;
    expect(within(waiting).queryByRole("button", { name: "Enable" })).not.toBeInTheDocument();
    expect(within(waiting).getByText(/not verified yet: ConnectError/)).toBeInTheDocument();
  });
});

describe("the test panel", () => {
  const panel = (overrides: Record<string, unknown> = {}, shown: Endpoint = endpoint) =>
    mockApi({
      ...base,
      "GET /api/v1/webhooks/endpoints/we_1": shown,
      "GET /api/v1/webhooks/attempts": page([]),
      ...overrides,
    });

  it("opens from the endpoint list, under the Endpoints tab", async () => {
    panel();
    renderApp("/webhooks");
    await userEvent.click(await screen.findByRole("link", { name: `Test ${endpoint.url}` }));
    expect(
      await screen.findByRole("heading", { name: `Test ${endpoint.url}` }),
    ).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Endpoints" })).toHaveClass("active");
    expect(screen.getByText(/gets events without a handshake/)).toBeInTheDocument();
  });

  it("shows why a pending endpoint is not verified and verifies it again", async () => {
    const api = panel({ "POST /api/v1/webhooks/endpoints/we_1/verify": verified }, pending);
    renderApp("/webhooks/endpoints/we_1");
    expect(await screen.findByText("Waiting for verification")).toBeInTheDocument();
    expect(screen.getByText("It answered an error status")).toBeInTheDocument();
    expect(screen.getByLabelText("What the endpoint answered")).toHaveTextContent("Not Found");
    expect(screen.getByRole("button", { name: "Send test event" })).toBeDisabled();
    expect(screen.getByText(/Test events wait until the endpoint is verified/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Verify again" }));
    expect(
      await screen.findByText("Verified: the endpoint echoed its challenge"),
    ).toBeInTheDocument();
    expect(await screen.findByText("Verified")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Verify again" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Send test event" })).toBeEnabled();
    const sent = api.find("POST", "/api/v1/webhooks/endpoints/we_1/verify")[0]!;
    expect(sent.headers.get("Idempotency-Key")).toBeTruthy();
  });

  it("reports a challenge sent again that still fails", async () => {
    panel({ "POST /api/v1/webhooks/endpoints/we_1/verify": pending }, pending);
    renderApp("/webhooks/endpoints/we_1");
    await userEvent.click(await screen.findByRole("button", { name: "Verify again" }));
    expect(await screen.findByText(/^Not verified: The endpoint answered 404/)).toBeInTheDocument();
  });

  it("turns verification on for an endpoint", async () => {
    const mismatch: Endpoint = {
      ...pending,
      handshake: {
        ...pending.handshake!,
        failure: {
          code: "challenge_mismatch",
          message: "The endpoint answered 200 without echoing the challenge.",
          responseStatus: 200,
          responseBody: "ok",
        },
      },
    };
    const api = panel({ "PATCH /api/v1/webhooks/endpoints/we_1": mismatch });
    renderApp("/webhooks/endpoints/we_1");
    await userEvent.click(await screen.findByRole("button", { name: "Turn on verification" }));
    expect(
      await screen.findByText("It answered without echoing the challenge"),
    ).toBeInTheDocument();
    expect(screen.getByLabelText("What the endpoint answered")).toHaveTextContent("ok");
    expect(api.find("PATCH", "/api/v1/webhooks/endpoints/we_1")[0]!.body).toEqual({
      verification: "challenge",
    });
  });

  it("sends a test event and pings, and says when a ping fails", async () => {
    let pings = 0;
    const api = panel({
      "POST /api/v1/webhooks/endpoints/we_1/test": json({ id: "msg_t" }, 201),
      "POST /api/v1/webhooks/endpoints/we_1/ping": () =>
        pings++ === 0
          ? { endpointId: "we_1", ok: true, status: 200, latencyMs: 8.4, attemptId: "wa_p" }
          : {
              endpointId: "we_1",
              ok: false,
              status: null,
              latencyMs: 10000,
              error: { code: "timeout" },
              attemptId: "wa_q",
            },
    });
    renderApp("/webhooks/endpoints/we_1");
    await userEvent.selectOptions(await screen.findByLabelText("Event type"), "refund.issued");
    await userEvent.click(screen.getByRole("button", { name: "Send test event" }));
    expect(
      await screen.findByText(/Queued a test refund\.issued event \(msg_t\)/),
    ).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/webhooks/endpoints/we_1/test")[0]!.body).toEqual({
      eventType: "refund.issued",
    });
    await userEvent.click(screen.getByRole("button", { name: "Ping" }));
    expect(await screen.findByText("Ping answered 200 in 8 ms")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Ping" }));
    expect(await screen.findByText("Ping failed: timeout after 10000 ms")).toBeInTheDocument();
    expect(api.find("GET", "/api/v1/webhooks/attempts")[0]!.query.get("endpointId")).toBe("we_1");
  });

  it("inspects an attempt, retries it and checks its signature", async () => {
    let retried = false;
    const headers = {
      "content-type": "application/json",
      "webhook-id": "msg_1",
      "webhook-timestamp": "1764583200",
      "webhook-signature": "v1,abc",
    };
    const api = panel({
      "GET /api/v1/webhooks/attempts": () =>
        page(
          retried
            ? [attempt("wa_2", "succeeded", { trigger: "manual" }), attempt("wa_1", "failed")]
            : [
                attempt("wa_1", "failed"),
                attempt("wa_v", "succeeded", { trigger: "verification" }),
              ],
        ),
      "GET /api/v1/webhooks/attempts/wa_1": {
        ...attempt("wa_1", "failed"),
        request: { method: "POST", headers, body: '{"type":"refund.issued"}' },
        response: { status: 500, body: "oops" },
      },
      "POST /api/v1/webhooks/wa_1/retry": () => {
        retried = true;
        return json(attempt("wa_2", "succeeded", { trigger: "manual" }), 201);
      },
      "POST /api/v1/webhooks/verify": {
        valid: true,
        reason: null,
        message: "The signature is valid.",
      },
    });
    renderApp("/webhooks/endpoints/we_1");
    const failed = await screen.findByRole("listitem", { name: "Attempt wa_1" });
    const challenge = screen.getByRole("listitem", { name: "Attempt wa_v" });
    expect(within(challenge).queryByRole("button", { name: "Retry" })).not.toBeInTheDocument();

    await userEvent.click(within(failed).getByRole("button", { name: "Inspect" }));
    expect(await within(failed).findByLabelText("Request body")).toHaveTextContent(
      '"type": "refund.issued"',
    );
    expect(within(failed).getByLabelText("Response body")).toHaveTextContent("oops");

    await userEvent.click(within(failed).getByRole("button", { name: "Check signature" }));
    await waitFor(() => expect(screen.getByLabelText("webhook-id header")).toHaveValue("msg_1"));
    expect(screen.getByLabelText("webhook-signature header")).toHaveValue("v1,abc");
    expect(screen.getByLabelText("Raw body")).toHaveValue('{"type":"refund.issued"}');
    expect(screen.getByLabelText("Signing secret")).toHaveFocus();
    await userEvent.type(screen.getByLabelText("Signing secret"), "whsec_abc");
    await userEvent.click(screen.getByRole("button", { name: "Verify signature" }));
    expect(await screen.findByText("Valid signature")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/webhooks/verify")[0]!.body).toEqual({
      secret: "whsec_abc",
      body: '{"type":"refund.issued"}',
      headers: {
        "webhook-id": "msg_1",
        "webhook-timestamp": "1764583200",
        "webhook-signature": "v1,abc",
      },
    });

    await userEvent.click(within(failed).getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("Delivered: HTTP 200")).toBeInTheDocument();
    expect(await screen.findByRole("listitem", { name: "Attempt wa_2" })).toBeInTheDocument();
    expect(
      api.find("POST", "/api/v1/webhooks/wa_1/retry")[0]!.headers.get("Idempotency-Key"),
    ).toBeTruthy();
  });
});
