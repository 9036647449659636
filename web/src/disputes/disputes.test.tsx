import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Dispute } from "../api/types";
import { merchant, page, payment, tokens } from "../test/fixtures";
import { apiError, json, mockApi } from "../test/mockApi";
import type { Routes } from "../test/mockApi";
import { renderApp } from "../test/render";
import { workspace } from "../workspace/store";
import { evidenceChanges, evidenceFormOf } from "./evidenceForm";
import { contentTypeOf, fileProblem } from "./file";

const base = {
  "GET /api/v1/merchants": page([merchant]),
  "GET /api/v1/auth/me": { user: tokens.user },
};

// 15:30 in the user's zone (Asia/Kolkata).
const NOW = "2026-12-01T10:00:00Z";

const noEvidence = {
  customerName: null,
  customerEmail: null,
  productDescription: null,
  serviceDate: null,
  shippingTrackingNumber: null,
  refundPolicy: null,
  uncategorizedText: null,
};

function dispute(overrides: Partial<Dispute> = {}): Dispute {
  return {
    id: "dp_1",
    paymentId: "pay_1",
    mode: "test",
    amount: 49900,
    fee: 1500,
    currency: "INR",
    reason: "fraudulent",
    status: "needs_response",
    funds: "withheld",
    dueBy: "2026-12-04T10:00:00Z",
    evidence: noEvidence,
    files: [],
    submittedAt: null,
    reviewEndsAt: null,
    closedAt: null,
    createdAt: "2026-11-27T10:00:00Z",
    updatedAt: "2026-11-27T10:00:00Z",
    ...overrides,
  };
}

const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole("cell")
    .map((cell) => cell.textContent);

/** A file of `size` bytes whose content starts as the type's does. */
function fileOf(name: string, type: string, size: number): File {
  const bytes = new Uint8Array(size);
  bytes.set([0x89, 0x50, 0x4e, 0x47].slice(0, size));
  return new File([bytes], name, { type });
}

beforeEach(() => {
  // Only the clock is frozen: the timers the queries and the user's typing need still run.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(NOW));
});

describe("the disputes list", () => {
  it("shows each dispute's deadline, flagging those due within 48 hours or past", async () => {
    mockApi({
      ...base,
      "GET /api/v1/disputes": page([
        dispute({ id: "dp_1", dueBy: "2026-11-30T10:00:00Z" }),
        dispute({ id: "dp_2", paymentId: "pay_2", dueBy: "2026-12-02T06:00:00Z" }),
        dispute({ id: "dp_3", reason: "product_not_received" }),
        dispute({ id: "dp_4", status: "won", funds: "reinstated", dueBy: "2026-11-30T10:00:00Z" }),
      ]),
    });
    renderApp("/disputes");
    const table = await screen.findByRole("table", { name: "Disputes" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(5);
    expect(cells(rows[1]!)).toEqual([
      "₹499.00",
      "Fraudulent",
      "Needs response",
      "pay_1",
      "OverdueNov 30, 2026, 3:30:00 PM",
      "Withheld",
    ]);
    expect(cells(rows[2]!)[4]).toBe("in 20 hours Due soonDec 2, 2026, 11:30:00 AM");
    expect(cells(rows[3]!).slice(1, 5)).toEqual([
      "Product not received",
      "Needs response",
      "pay_1",
      "in 3 daysDec 4, 2026, 3:30:00 PM",
    ]);
    // An answered dispute has no deadline left to meet: only its date, nothing flagged.
    expect(cells(rows[4]!).slice(2)).toEqual([
      "Won",
      "pay_1",
      "Nov 30, 2026, 3:30:00 PM",
      "Reinstated",
    ]);
    expect(within(rows[2]!).getByRole("link", { name: "pay_2" })).toHaveAttribute(
      "href",
      "/payments/pay_2",
    );
    expect(within(rows[2]!).getByRole("link", { name: "₹499.00" })).toHaveAttribute(
      "href",
      "/disputes/dp_2",
    );
    expect(
      within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", {
        name: "Disputes",
      }),
    ).toHaveAttribute("aria-current", "page");
  });

  it("filters by status in the URL", async () => {
    const api = mockApi({
      ...base,
      "GET /api/v1/disputes": (call) => (call.query.get("status") ? page([]) : page([dispute()])),
    });
    renderApp("/disputes");
    await screen.findByRole("table", { name: "Disputes" });
    expect(api.find("GET", "/api/v1/disputes")[0]!.query.getAll("status")).toEqual([]);
    await userEvent.selectOptions(screen.getByLabelText("Status"), "under_review");
    await waitFor(() =>
      expect(api.find("GET", "/api/v1/disputes").at(-1)!.query.getAll("status")).toEqual([
        "under_review",
      ]),
    );
    expect(window.location.search).toBe("?status=under_review");
    expect(await screen.findByText("No disputes have this status")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Show all disputes" }));
    await waitFor(() => expect(window.location.search).toBe(""));
    expect(await screen.findByRole("table", { name: "Disputes" })).toBeInTheDocument();
  });

  it("offers a retry when the list fails, and says when there are none", async () => {
    let fail = true;
    mockApi({
      ...base,
      "GET /api/v1/disputes": () =>
        fail ? apiError(403, "role_required", "Not allowed.") : json(page([])),
    });
    renderApp("/disputes");
    expect(await screen.findByText("Disputes could not be loaded")).toBeInTheDocument();
    expect(screen.getByText("Not allowed.")).toBeInTheDocument();
    fail = false;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("No test disputes")).toBeInTheDocument();
  });

  it("is one keyboard shortcut away", async () => {
    mockApi({ ...base, "GET /api/v1/disputes": page([]), "GET /api/v1/payments": page([]) });
    renderApp("/transactions");
    await screen.findByRole("heading", { level: 1, name: "Transactions" });
    await userEvent.keyboard("gd");
    expect(await screen.findByRole("heading", { level: 1, name: "Disputes" })).toBeInTheDocument();
  });
});

describe("a dispute's page", () => {
  function detail(current: () => unknown, extra: Routes = {}) {
    return { ...base, "GET /api/v1/disputes/dp_1": current, ...extra };
  }

  it("shows the amount and fee withheld, the deadline and the dates so far", async () => {
    mockApi(detail(() => dispute({ dueBy: "2026-12-02T06:00:00Z" })));
    renderApp("/disputes/dp_1");
    expect(await screen.findByRole("heading", { level: 1, name: /₹499.00/ })).toHaveTextContent(
      "₹499.00 Needs response",
    );
    expect(screen.getByText(/Submit your evidence by/)).toHaveTextContent(
      "Submit your evidence by Dec 2, 2026, 11:30:00 AM (in 20 hours). ₹514.00, the amount and the fee, is withheld until the dispute is decided.",
    );
    expect(screen.getByText("₹15.00", { selector: "dd *" })).toBeInTheDocument();
    expect(
      screen.getByText("Withheld: ₹514.00 (amount and fee)", { selector: "dd" }),
    ).toBeInTheDocument();
    expect(screen.getByText("Due soon")).toBeInTheDocument();
    for (const link of screen.getAllByRole("link", { name: "pay_1" }))
      expect(link).toHaveAttribute("href", "/payments/pay_1");
    const timeline = screen.getByRole("region", { name: "Timeline" });
    expect(
      within(timeline)
        .getAllByRole("listitem")
        .map((item) => item.textContent),
    ).toEqual(["OpenedNov 27, 2026, 3:30:00 PM", "Evidence dueDec 2, 2026, 11:30:00 AM"]);
    expect(screen.getByRole("button", { name: "Save evidence" })).toBeInTheDocument();
  });

  it("saves only the evidence that changed, clearing an emptied field", async () => {
    let current = dispute({ evidence: { ...noEvidence, refundPolicy: "Refunds within 30 days" } });
    const api = mockApi(
      detail(() => current, {
        "POST /api/v1/disputes/dp_1/evidence": (call) =>
          (current = dispute({
            evidence: { ...current.evidence, ...(call.body as object) },
          })),
      }),
    );
    renderApp("/disputes/dp_1");
    await userEvent.type(await screen.findByLabelText("Customer name"), " Asha Rao ");
    await userEvent.type(screen.getByLabelText("Customer email"), "asha@example.com");
    await userEvent.clear(screen.getByLabelText("Refund policy"));
    await userEvent.click(screen.getByRole("button", { name: "Save evidence" }));

    expect(await screen.findByText("Evidence saved")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/disputes/dp_1/evidence").map((call) => call.body)).toEqual([
      { customerName: "Asha Rao", customerEmail: "asha@example.com", refundPolicy: null },
    ]);
    expect(screen.getByLabelText("Customer name")).toHaveValue("Asha Rao");
  });

  it("checks the evidence before saving it, and shows the API's error on its field", async () => {
    const api = mockApi(
      detail(() => dispute(), {
        "POST /api/v1/disputes/dp_1/evidence": apiError(
          400,
          "invalid_request",
          "Use at most 500 characters.",
          "customerName",
        ),
      }),
    );
    renderApp("/disputes/dp_1");
    await userEvent.type(await screen.findByLabelText("Customer email"), "asha@");
    await userEvent.click(screen.getByRole("button", { name: "Save evidence" }));
    expect(await screen.findByText("Enter a valid email address")).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/disputes/dp_1/evidence")).toHaveLength(0);

    await userEvent.clear(screen.getByLabelText("Customer email"));
    await userEvent.type(screen.getByLabelText("Customer name"), "Asha");
    await userEvent.click(screen.getByRole("button", { name: "Save evidence" }));
    expect(await screen.findByText("Use at most 500 characters.")).toBeInTheDocument();
    expect(screen.getByLabelText("Customer name")).toHaveAttribute("aria-invalid", "true");
  });

  it("refuses a file too large or of another type before sending anything", async () => {
    const api = mockApi(detail(() => dispute()));
    const user = userEvent.setup({ applyAccept: false });
    renderApp("/disputes/dp_1");
    const input = await screen.findByLabelText("File");
    await user.upload(input, fileOf("receipt.pdf", "application/pdf", 600 * 1024));
    await user.click(screen.getByRole("button", { name: "Upload file" }));
    expect(
      await screen.findByText("receipt.pdf is 600 KB; a file can be at most 512 KB"),
    ).toBeInTheDocument();

    await user.upload(input, fileOf("parcel.gif", "image/gif", 1024));
    await user.click(screen.getByRole("button", { name: "Upload file" }));
    expect(
      await screen.findByText("parcel.gif is not a PDF, PNG or JPEG file"),
    ).toBeInTheDocument();
    expect(api.find("POST", "/api/v1/disputes/dp_1/files")).toHaveLength(0);
  });

  it("uploads a file in base64, lists it and downloads it under its name", async () => {
    const uploaded = {
      id: "file_1",
      purpose: "shipping_documentation",
      filename: "label.png",
      contentType: "image/png",
      size: 8,
      createdAt: NOW,
    };
    let current = dispute();
    const api = mockApi(
      detail(() => current, {
        "POST /api/v1/disputes/dp_1/files": () => {
          current = dispute({ files: [uploaded] });
          return json(uploaded, 201);
        },
        "GET /api/v1/disputes/dp_1/files/file_1": json("png", 200, {
          "content-type": "image/png",
          "content-disposition": 'attachment; filename="file_1"',
        }),
      }),
    );
    renderApp("/disputes/dp_1");
    expect(await screen.findByText("No files uploaded.")).toBeInTheDocument();
    await userEvent.upload(screen.getByLabelText("File"), fileOf("label.png", "image/png", 8));
    await userEvent.selectOptions(screen.getByLabelText("What it shows"), "shipping_documentation");
    await userEvent.click(screen.getByRole("button", { name: "Upload file" }));

    expect(await screen.findByText("label.png uploaded")).toBeInTheDocument();
    const call = api.find("POST", "/api/v1/disputes/dp_1/files")[0]!;
    expect(call.body).toEqual({
      purpose: "shipping_documentation",
      filename: "label.png",
      contentType: "image/png",
      contentBase64: "iVBORwAAAAA=",
    });
    expect(call.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    const files = screen.getByRole("list", { name: "Uploaded files" });
    expect(files).toHaveTextContent("label.png · Shipping documentation8 B · uploaded Dec 1, 2026");

    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    await userEvent.click(within(files).getByRole("button", { name: "Download label.png" }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(api.find("GET", "/api/v1/disputes/dp_1/files/file_1")).toHaveLength(1);
    expect((click.mock.contexts[0] as HTMLAnchorElement).download).toBe("label.png");
  });

  it("puts the API's refusal of a file on the file field", async () => {
    mockApi(
      detail(() => dispute(), {
        "POST /api/v1/disputes/dp_1/files": apiError(
          422,
          "evidence_file_invalid",
          "The file is not a image/png file.",
          "contentType",
        ),
      }),
    );
    renderApp("/disputes/dp_1");
    await userEvent.upload(
      await screen.findByLabelText("File"),
      new File(["GIF89a"], "fake.png", { type: "image/png" }),
    );
    await userEvent.click(screen.getByRole("button", { name: "Upload file" }));
    expect(await screen.findByText("The file is not a image/png file.")).toBeInTheDocument();
    expect(screen.getByLabelText("File")).toHaveAttribute("aria-invalid", "true");
  });

  it("submits the evidence after a warning that it is final, then shows it read-only", async () => {
    let current = dispute({ evidence: { ...noEvidence, customerName: "Asha Rao" } });
    const api = mockApi(
      detail(() => current, {
        "POST /api/v1/disputes/dp_1/submit": () =>
          (current = dispute({
            ...current,
            status: "under_review",
            submittedAt: NOW,
            reviewEndsAt: "2026-12-08T10:00:00Z",
          })),
      }),
    );
    renderApp("/disputes/dp_1");
    await userEvent.type(await screen.findByLabelText("Customer email"), "asha@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Submit evidence" }));
    let dialog = screen.getByRole("dialog", { name: "Submit this evidence?" });
    expect(dialog).toHaveTextContent("Submission is final");
    expect(dialog).toHaveTextContent("Some changes in the form are not saved");
    await userEvent.click(within(dialog).getByRole("button", { name: "Keep it" }));
    expect(api.find("POST", "/api/v1/disputes/dp_1/submit")).toHaveLength(0);

    await userEvent.click(screen.getByRole("button", { name: "Submit evidence" }));
    dialog = screen.getByRole("dialog", { name: "Submit this evidence?" });
    await userEvent.click(within(dialog).getByRole("button", { name: "Submit evidence" }));

    expect(await screen.findByText("Evidence submitted for review")).toBeInTheDocument();
    const calls = api.find("POST", "/api/v1/disputes/dp_1/submit");
    expect(calls).toHaveLength(1);
    expect(calls[0]!.body).toBeUndefined();
    expect(calls[0]!.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Under review");
    expect(screen.getByText(/the customer's bank is reviewing it/)).toHaveTextContent(
      "Evidence submitted on Dec 1, 2026, 3:30:00 PM; the customer's bank is reviewing it, with a decision due by Dec 8, 2026, 3:30:00 PM.",
    );
    expect(screen.queryByRole("button", { name: "Save evidence" })).not.toBeInTheDocument();
    expect(screen.queryByLabelText("File")).not.toBeInTheDocument();
    expect(screen.getByText("Asha Rao", { selector: "dd" })).toBeInTheDocument();
  });

  it("shows a won dispute's funds reinstated, read-only", async () => {
    mockApi(detail(() => dispute({ status: "won", funds: "reinstated", closedAt: NOW })));
    renderApp("/disputes/dp_1");
    expect(
      await screen.findByText(
        "You won this dispute: the withheld funds were reinstated to your balance.",
      ),
    ).toBeInTheDocument();
    expect(screen.getByText("Reinstated to your balance", { selector: "dd" })).toBeInTheDocument();
    expect(screen.getByText("Closed: won")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Submit evidence" })).not.toBeInTheDocument();
  });

  it("shows a lost dispute's amount and fee charged back", async () => {
    mockApi(detail(() => dispute({ status: "lost", funds: "charged_back", closedAt: NOW })));
    renderApp("/disputes/dp_1");
    expect(
      await screen.findByText(
        "You lost this dispute: the ₹499.00 disputed and the ₹15.00 fee were charged back.",
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText("Charged back: ₹514.00 (amount and fee)", { selector: "dd" }),
    ).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Save evidence" })).not.toBeInTheDocument();
  });

  it("says when there is no such dispute", async () => {
    mockApi({ ...base, "GET /api/v1/disputes/dp_x": apiError(404, "dispute_not_found") });
    renderApp("/disputes/dp_x");
    expect(
      await screen.findByRole("heading", { level: 1, name: "Dispute not found" }),
    ).toBeInTheDocument();
    expect(screen.getByText("No dispute dp_x in test mode")).toBeInTheDocument();
  });
});

describe("simulating a dispute", () => {
  const routes = {
    ...base,
    "GET /api/v1/payments/pay_1": payment({ amountRefunded: 9900 }),
    "GET /api/v1/payments/pay_1/history": { paymentId: "pay_1", data: [] },
    "GET /api/v1/payments/pay_1/refunds": { data: [] },
    "GET /api/v1/payments/pay_1/webhooks": { paymentId: "pay_1", data: [] },
    "GET /api/v1/disputes/dp_1": dispute({ amount: 20000 }),
  };

  it("opens a test dispute on a payment and goes to it", async () => {
    const api = mockApi({
      ...routes,
      "POST /api/v1/payments/pay_1/disputes": json(dispute({ amount: 20000 }), 201),
    });
    renderApp("/payments/pay_1");
    await userEvent.click(await screen.findByRole("button", { name: "Simulate a dispute" }));
    const dialog = screen.getByRole("dialog", { name: "Simulate a dispute" });
    expect(dialog).toHaveTextContent("Empty: all ₹400.00 left after refunds.");
    await userEvent.type(within(dialog).getByLabelText(/Disputed amount/), "500");
    await userEvent.click(within(dialog).getByRole("button", { name: "Open dispute" }));
    expect(await within(dialog).findByText("At most ₹400.00 can be disputed")).toBeInTheDocument();

    await userEvent.clear(within(dialog).getByLabelText(/Disputed amount/));
    await userEvent.type(within(dialog).getByLabelText(/Disputed amount/), "200");
    await userEvent.selectOptions(within(dialog).getByLabelText("Reason"), "duplicate");
    await userEvent.click(within(dialog).getByRole("button", { name: "Open dispute" }));

    await waitFor(() => expect(window.location.pathname).toBe("/disputes/dp_1"));
    const call = api.find("POST", "/api/v1/payments/pay_1/disputes")[0]!;
    expect(call.body).toEqual({ reason: "duplicate", amount: 20000 });
    expect(call.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await screen.findByRole("heading", { level: 1, name: /₹200.00/ })).toHaveTextContent(
      "Needs response",
    );
  });

  it("is offered in test mode only", async () => {
    mockApi(routes);
    renderApp("/payments/pay_1");
    expect(await screen.findByRole("button", { name: "Simulate a dispute" })).toBeInTheDocument();
    act(() => workspace.setMode("live"));
    await waitFor(() =>
      expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("₹499.00"),
    );
    expect(screen.getByRole("button", { name: "Refund" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Simulate a dispute" })).not.toBeInTheDocument();
  });
});

describe("evidence and files, before they are sent", () => {
  it("knows a file's type from its name when the browser gives none, and its limits", () => {
    expect(contentTypeOf({ name: "scan.JPG", type: "" })).toBe("image/jpeg");
    expect(contentTypeOf({ name: "scan.pdf", type: "text/plain" })).toBeNull();
    expect(fileProblem(undefined)).toBe("Choose a file to upload");
    expect(fileProblem(fileOf("empty.pdf", "application/pdf", 0))).toBe("empty.pdf is empty");
    expect(fileProblem(fileOf("ok.pdf", "application/pdf", 512 * 1024))).toBeNull();
  });

  it("sends only what changed from the saved evidence", () => {
    const saved = { ...noEvidence, customerName: "Asha", refundPolicy: "30 days" };
    const form = { ...evidenceFormOf(saved), customerName: "Asha ", refundPolicy: " " };
    expect(evidenceChanges(form, saved)).toEqual({ refundPolicy: null });
  });
});
