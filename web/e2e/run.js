// The dashboard and the hosted checkout in Debian's Chromium, against a running Expe stack.
//
//   EXPE_URL=http://127.0.0.1:8000 MAILPIT_URL=http://127.0.0.1:8025 SCREENSHOT_DIR=/tmp/shots npm run e2e
//
// Each step prints its name; the first failure prints the error, the browser console and a
// screenshot, and the run exits non-zero.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import {
  frameFromAnotherOrigin,
  hostilePages,
  inspectPage,
  plantHostileMerchant,
  tryInlineScript,
} from "./attacks.js";
import {
  mailTo,
  onBase,
  poll,
  recordPolicyViolations,
  secretFromOtpauth,
  startReceiver,
  totp,
} from "./lib.js";

const BASE = (process.env.EXPE_URL ?? "http://127.0.0.1:8000").replace(/\/$/, "");
const MAILPIT = (process.env.MAILPIT_URL ?? "http://127.0.0.1:8025").replace(/\/$/, "");
const SHOTS = resolve(process.env.SCREENSHOT_DIR ?? "e2e-output/screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_PATH = "/__e2e__/axe.min.js";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

mkdirSync(SHOTS, { recursive: true });
for (const file of readdirSync(SHOTS)) {
  if (file.startsWith("failure-")) rmSync(join(SHOTS, file));
}
const profileDir = mkdtempSync(join(tmpdir(), "expe-e2e-"));
const consoleLines = [];
const cspViolations = [];
const started = Date.now();
let context;
let current; // the page a failure screenshot is taken of

const stamp = Date.now().toString(36);
const user = {
  name: "E2E Merchant",
  email: `e2e-${stamp}@example.com`,
  password: "a long unusual e2e passphrase",
};
const state = {};

function log(line) {
  process.stdout.write(`${line}\n`);
}

async function step(name, run) {
  const begun = Date.now();
  log(`▶ ${name}`);
  try {
    await run();
    log(`✔ ${name} (${((Date.now() - begun) / 1000).toFixed(1)} s)`);
  } catch (error) {
    log(`✘ ${name}: ${error?.stack ?? error}`);
    if (current && !current.isClosed()) {
      const file = join(SHOTS, `failure-${name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.png`);
      await current.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      log(`  page: ${current.url()}`);
      log(`  screenshot: ${file}`);
    }
    log("  browser console (last 60 lines):");
    for (const line of consoleLines.slice(-60)) log(`    ${line}`);
    await context?.close().catch(() => undefined);
    rmSync(profileDir, { recursive: true, force: true });
    process.exit(1);
  }
}

function watch(page, label) {
  page.on("console", (message) => {
    const text = message.text();
    consoleLines.push(`[${label}] ${message.type()}: ${text}`);
    if (/Content[- ]Security[- ]Policy/i.test(text)) cspViolations.push(`[${label}] ${text}`);
  });
  page.on("pageerror", (error) => consoleLines.push(`[${label}] pageerror: ${error.message}`));
  // axe-core from node_modules, served on this origin so the page's CSP (script-src 'self') holds.
  void page.route(`**${AXE_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: "application/javascript", body: AXE_SOURCE }),
  );
  page.setDefaultTimeout(15_000);
  return page;
}

async function api(method, path, { token, body, headers = {} } = {}) {
  const response = await fetch(`${BASE}/api/v1${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw Object.assign(new Error(`${method} ${path}: ${response.status} ${text}`), {
      status: response.status,
    });
  }
  return data;
}

async function createPayment(extra = {}) {
  const orderId = `order-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
  return api("POST", "/payments", {
    token: state.secretKey,
    headers: { "Idempotency-Key": `e2e-${orderId}` },
    body: { amount: 49900, currency: "INR", orderId, description: "Masala chai ×2", ...extra },
  });
}

/** The serious and critical axe violations of the page as it is now. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => "axe" in window)))
    await page.addScriptTag({ url: `${BASE}${AXE_PATH}` });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const outcome = await axe.run(document, { resultTypes: ["violations"] });
    return outcome.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.help} → ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(" "))
            .join(" | ")}`,
      );
  });
}

/** Opens a page in light or dark mode, checks it with axe and saves its screenshot. */
async function audit(page, name, path, { ready } = {}) {
  for (const theme of ["light", "dark"]) {
    await page
      .evaluate((value) => localStorage.setItem("expe.theme", value), theme)
      .catch(() => undefined);
    await page.goto(`${BASE}${path}`);
    if ((await page.evaluate(() => document.documentElement.dataset.theme)) !== theme) {
      await page.evaluate((value) => localStorage.setItem("expe.theme", value), theme);
      await page.reload();
    }
    await page.waitForFunction((value) => document.documentElement.dataset.theme === value, theme);
    if (ready) await ready(page);
    else await page.locator("h1").first().waitFor();
    await page
      .waitForFunction(() => !document.querySelector('[aria-label^="Loading"], .skeleton'), null, {
        timeout: 15_000,
      })
      .catch(() => undefined);
    const headings = await page.locator("h1").count();
    if (headings !== 1) throw new Error(`${name} (${theme}) has ${headings} h1 elements`);
    const result = await axeViolations(page);
    if (result.length) throw new Error(`axe on ${name} (${theme}):\n  ${result.join("\n  ")}`);
    await page.screenshot({ path: join(SHOTS, `${name}-${theme}.png`), fullPage: true });
  }
  await page.evaluate(() => localStorage.removeItem("expe.theme"));
}

async function main() {
  log(`Expe browser e2e against ${BASE} (Mailpit ${MAILPIT}), screenshots in ${SHOTS}`);
  const receiver = await startReceiver({ failFirst: "refund.issued" });

  await step("Launch Chromium", async () => {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      locale: "en-US",
    });
    await recordPolicyViolations(context, cspViolations, "dashboard");
    current = watch(context.pages()[0] ?? (await context.newPage()), "dashboard");
    state.dashboard = current;
  });
  const page = state.dashboard;

  await step("Public pages pass axe in light and dark (screenshots)", async () => {
    await page.goto(`${BASE}/login`);
    await audit(page, "login", "/login");
    await audit(page, "register", "/register");
    await audit(page, "forgot-password", "/forgot-password");
    await audit(page, "verify-email", "/verify-email");
    await audit(page, "reset-password", "/reset-password?token=not-a-real-token");
    await audit(page, "checkout-invalid-link", "/checkout/pay_doesnotexist");
    await audit(page, "pay-link-not-found", "/pay/doesnotexist", {
      ready: (p) =>
        p.getByRole("heading", { level: 1, name: "This payment link does not exist" }).waitFor(),
    });
  });

  await step("Sign up", async () => {
    await page.goto(`${BASE}/register`);
    await page.getByLabel("Full name").fill(user.name);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
  });

  await step("Open the verification link from the email in Mailpit", async () => {
    const text = await mailTo(MAILPIT, user.email, { subject: /verif|confirm/i });
    const link = /(https?:\/\/\S+\/verify-email\?token=[^\s]+)/.exec(text)?.[1];
    if (!link) throw new Error(`no verification link in the email:\n${text}`);
    await page.goto(onBase(link, BASE));
    await page.getByRole("heading", { name: "Email verified" }).waitFor();
  });

  await step("Log in", async () => {
    await page.goto(`${BASE}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.waitForURL(/\/onboarding/);
  });

  await step("Create a merchant, a project and a secret test key in the UI", async () => {
    await page.getByLabel("Business name").fill(`Chai Point ${stamp}`);
    await page.getByLabel("Country").selectOption("IN");
    await page.getByLabel("Default currency").selectOption("INR");
    await page.getByRole("button", { name: "Create merchant" }).click();
    await page.getByLabel("Project name").fill("Web shop");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.getByLabel("Key type").selectOption("secret");
    await page.getByLabel("Key mode").selectOption("test");
    await page.getByRole("button", { name: "Create API key" }).click();
    state.secretKey = (await page.getByTestId("revealed-secret").textContent())?.trim();
    if (!/^sk_test_/.test(state.secretKey ?? ""))
      throw new Error(`not a secret test key: ${state.secretKey}`);
    await page.getByRole("button", { name: "Go to the dashboard" }).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
  });

  await step("Create a webhook endpoint in the UI", async () => {
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "Webhooks", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const dialog = page.getByRole("dialog", { name: "Add a webhook endpoint" });
    await dialog.getByLabel("Endpoint URL").fill(receiver.url);
    await dialog.getByLabel("Description (optional)").fill("e2e receiver");
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    const added = page.getByRole("dialog", { name: "Endpoint added" });
    const secret = (await added.getByTestId("revealed-secret").textContent())?.trim();
    if (!secret?.startsWith("whsec_")) throw new Error(`no signing secret shown: ${secret}`);
    state.webhookSecret = secret;
    await added.getByRole("button", { name: "Done" }).click();
    await page.getByRole("listitem", { name: `Endpoint ${receiver.url}` }).waitFor();
  });

  await step(
    "Test the endpoint in its panel: handshake, ping, a test event, its request and signature",
    async () => {
      await page.getByRole("link", { name: `Test ${receiver.url}` }).click();
      await page.getByRole("heading", { name: `Test ${receiver.url}` }).waitFor();
      state.endpointId = new URL(page.url()).pathname.split("/").pop();
      await page.getByRole("button", { name: "Turn on verification" }).click();
      await page.getByText("Verified", { exact: true }).waitFor();
      if (!receiver.received.some((r) => r.type === "endpoint.verification"))
        throw new Error("the receiver got no verification challenge");
      await page.getByRole("button", { name: "Ping" }).click();
      await page.getByText(/^Ping answered 200 in/).waitFor();
      await page.getByLabel("Event type").selectOption("payment.completed");
      await page.getByRole("button", { name: "Send test event" }).click();
      await page.getByText(/^Queued a test payment\.completed event/).waitFor();
      const delivered = page
        .locator('li[data-status="succeeded"]', { hasText: "payment.completed" })
        .first();
      await delivered.waitFor({ timeout: 30_000 });
      await delivered.getByRole("button", { name: "Inspect" }).click();
      await delivered
        .getByLabel("Request body")
        .getByText(/"test": true/)
        .waitFor();
      await delivered.getByRole("button", { name: "Check signature" }).click();
      await page.getByLabel("Signing secret").fill(state.webhookSecret);
      await page.getByRole("button", { name: "Verify signature" }).click();
      await page.getByText("Valid signature").waitFor();
    },
  );

  await step(
    "Open Transactions, then create a payment with the secret key through the API",
    async () => {
      await page.getByRole("link", { name: "Transactions" }).click();
      await page.getByRole("heading", { name: "Transactions", level: 1 }).waitFor();
      state.navigations = 0;
      page.on("framenavigated", (frame) => {
        if (frame === page.mainFrame()) state.navigations += 1;
      });
      state.card = await createPayment();
      if (!state.card.checkoutUrl?.includes("#"))
        throw new Error(`checkoutUrl has no client secret: ${state.card.checkoutUrl}`);
      await page.locator(`tr[data-payment-id="${state.card.id}"]`).waitFor({ timeout: 30_000 });
    },
  );

  await step("Pay by card 4242 4242 4242 4242 on the hosted checkout", async () => {
    const checkout = watch(await context.newPage(), "checkout");
    current = checkout;
    await checkout.goto(onBase(state.card.checkoutUrl, BASE));
    await checkout.getByText("₹499.00").first().waitFor();
    await checkout.getByLabel("Card number").fill("4242 4242 4242 4242");
    await checkout.getByLabel("Expiry (MM/YY)").fill("12/30");
    await checkout.getByLabel("Security code (CVC)").fill("123");
    await checkout.getByRole("button", { name: /^Pay / }).click();
    await checkout.getByRole("heading", { name: "Payment successful" }).waitFor();
    state.checkoutPage = checkout;
    current = page;
  });

  await step("The payment turns succeeded in Transactions without a reload", async () => {
    await page.bringToFront();
    await page
      .locator(`tr[data-payment-id="${state.card.id}"][data-status="succeeded"]`)
      .waitFor({ timeout: 30_000 });
    if (state.navigations > 0) throw new Error("the Transactions page navigated");
  });

  await step("Open the payment's details and refund part of it", async () => {
    await page.getByRole("link", { name: state.card.id, exact: true }).click();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await page.getByRole("button", { name: "Refund", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Refund payment" });
    await dialog.getByLabel("Refund amount (INR)").fill("100.00");
    await dialog.getByLabel("Reason (optional)").fill("one cup returned");
    await dialog.getByRole("button", { name: /^Refund ₹100\.00$/ }).click();
    await page.getByText("Refunded ₹100.00").first().waitFor();
    await page.getByRole("region", { name: "Refunds" }).getByText("₹100.00").waitFor();
  });

  await step(
    "See the refund's failed webhook delivery on the Webhooks page and retry it",
    async () => {
      await page.goto(`${BASE}/webhooks/attempts?paymentId=${state.card.id}`);
      const failed = page.locator('tr[data-status="failed"]', { hasText: "refund.issued" }).first();
      await failed.waitFor({ timeout: 45_000 });
      const attemptId = await failed.getAttribute("data-attempt-id");
      await page.getByRole("button", { name: `Retry attempt ${attemptId}` }).click();
      await page
        .getByText(/^Delivered: HTTP 200/)
        .first()
        .waitFor({ timeout: 30_000 });
      await page
        .locator('tr[data-status="succeeded"]', { hasText: "refund.issued" })
        .first()
        .waitFor({ timeout: 30_000 });
      await poll(
        () => receiver.received.some((r) => r.type === "refund.issued" && r.status === 200),
        {
          message: "the receiver to get the refund.issued delivery",
        },
      );
    },
  );

  await step(
    "A UPI payment shows its QR and updates itself after the sandbox completion",
    async () => {
      const payment = await createPayment({ allowedMethods: ["upi_qr", "card"] });
      const secret = decodeURIComponent(new URL(payment.checkoutUrl).hash.slice(1));
      const checkout = state.checkoutPage;
      current = checkout;
      await checkout.goto(onBase(payment.checkoutUrl, BASE));
      await checkout.getByRole("button", { name: "UPI", exact: true }).click();
      await checkout.getByRole("button", { name: "Show UPI QR code" }).click();
      await checkout.getByRole("img", { name: /UPI QR code/ }).waitFor();
      await audit(
        checkout,
        "checkout-upi",
        new URL(onBase(payment.checkoutUrl, BASE)).pathname + new URL(payment.checkoutUrl).hash,
        {
          ready: (p) => p.getByRole("img", { name: /UPI QR code/ }).waitFor(),
        },
      );
      await checkout.goto(onBase(payment.checkoutUrl, BASE));
      await checkout.getByRole("img", { name: /UPI QR code/ }).waitFor();
      // The customer's UPI app approves: the page is not touched and must notice by itself.
      await api("POST", `/checkout/payments/${payment.id}/sandbox/upi-complete`, {
        headers: { "Expe-Client-Secret": secret },
        body: { outcome: "success" },
      });
      await checkout
        .getByRole("heading", { name: "Payment successful" })
        .waitFor({ timeout: 20_000 });
      current = page;
    },
  );

  await step("Create a one-time payment link of a fixed amount in the dashboard", async () => {
    current = page;
    const description = `Chai tasting for two ${stamp}`;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Payment links" })
      .click();
    await page.getByRole("heading", { name: "Payment links", level: 1 }).waitFor();
    // The page's header and its empty state both offer it.
    await page.getByRole("link", { name: "Create payment link" }).first().click();
    await page.getByRole("heading", { name: "Create a payment link", level: 1 }).waitFor();
    const form = page.getByRole("form", { name: "Create payment link" });
    await form.getByLabel("Description", { exact: true }).fill(description);
    await form.getByLabel("Currency", { exact: true }).selectOption("INR");
    await form.getByLabel("A fixed amount").check();
    await form.getByLabel("Amount (INR)", { exact: true }).fill("250.00");
    await form.getByLabel("One-time: it can be paid once").check();
    await form.getByRole("button", { name: "Create payment link" }).click();
    const created = page.getByRole("region", { name: "Payment link created" });
    await created.getByText(`${description} · ₹250.00`).waitFor();
    const url = await created.getByRole("link", { name: /\/pay\// }).getAttribute("href");
    if (!url?.includes("/pay/")) throw new Error(`no public URL shown: ${url}`);
    const violations = await axeViolations(page);
    if (violations.length)
      throw new Error(`axe on the created link:\n  ${violations.join("\n  ")}`);
    await page.screenshot({ path: join(SHOTS, "payment-link-created-light.png"), fullPage: true });
    await created.getByRole("link", { name: "View payment link" }).click();
    await page.waitForURL(/\/payment-links\/plink_/);
    state.link = {
      id: decodeURIComponent(new URL(page.url()).pathname.split("/").pop()),
      url: onBase(url, BASE),
      description,
    };
    await page.getByRole("heading", { level: 1, name: `${description} Active` }).waitFor();
  });

  await step(
    "A customer with no session opens the link, presses Pay and pays by card on the checkout",
    async () => {
      state.customerBrowser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const customerContext = await state.customerBrowser.newContext({
        locale: "en-US",
        viewport: { width: 1280, height: 860 },
      });
      await recordPolicyViolations(customerContext, cspViolations, "customer");
      const customer = watch(await customerContext.newPage(), "customer");
      current = customer;
      state.customer = customer;
      await customer.goto(state.link.url);
      await customer.getByText(state.link.description, { exact: true }).waitFor();
      await customer.getByText("₹250.00", { exact: true }).waitFor();
      await customer.getByText("Test mode", { exact: true }).waitFor();
      const session = await customer.evaluate(() => localStorage.getItem("expe.refreshToken"));
      if (session) throw new Error("the customer's browser has the merchant's session");
      await customer.getByRole("button", { name: "Pay ₹250.00" }).click();
      await customer.waitForURL(/\/checkout\/pay_[^#/]+#.+/);
      await customer.getByText("₹250.00").first().waitFor();
      await customer.getByLabel("Card number").fill("4242 4242 4242 4242");
      await customer.getByLabel("Expiry (MM/YY)").fill("12/30");
      await customer.getByLabel("Security code (CVC)").fill("123");
      await customer.getByRole("button", { name: /^Pay / }).click();
      await customer.getByRole("heading", { name: "Payment successful" }).waitFor();
      current = page;
    },
  );

  await step(
    "The link's page shows it completed with 1 paid, and its public page says it was paid",
    async () => {
      current = page;
      await page.bringToFront();
      await page.goto(`${BASE}/payment-links`);
      await page
        .locator(`tr[data-link-id="${state.link.id}"]`)
        .getByRole("link", { name: state.link.description })
        .click();
      await page.waitForURL((url) => url.pathname.endsWith(`/payment-links/${state.link.id}`));
      const details = page.getByRole("region", { name: "Details" });
      const detail = (term) =>
        details
          .locator("dt", { hasText: new RegExp(`^${term}$`) })
          .locator("xpath=following-sibling::dd[1]");
      const paid = page
        .getByRole("group", { name: "Figures of the link" })
        .locator(".card", { has: page.getByText("Paid", { exact: true }) })
        .locator(".stat-value");
      const payments = page.getByRole("table", { name: "Payments" });
      let seen = "nothing";
      await poll(
        async () => {
          seen = [
            (await detail("Status").textContent({ timeout: 1000 }))?.trim(),
            (await paid.textContent({ timeout: 1000 }))?.trim(),
            (await detail("Paid / max uses").textContent({ timeout: 1000 }))?.trim(),
            `${await payments.locator('tr[data-status="succeeded"]').count()} succeeded`,
          ].join(", ");
          return seen === "Completed, 1, 1 / 1, 1 succeeded";
        },
        { timeout: 30_000, message: "the link to show Completed and 1 paid" },
      ).catch((error) => {
        throw new Error(`${error.message}; the page shows: ${seen}`);
      });
      await page
        .getByRole("heading", { level: 1, name: `${state.link.description} Completed` })
        .waitFor();
      if (await page.getByRole("button", { name: "Deactivate" }).count())
        throw new Error("a completed link still offers Deactivate");

      const customer = state.customer;
      current = customer;
      await customer.goto(state.link.url);
      await customer
        .getByRole("heading", { level: 1, name: "This payment link has already been paid" })
        .waitFor();
      if (await customer.getByRole("button", { name: /^Pay/ }).count())
        throw new Error("the paid link still offers Pay");
      await customer.screenshot({ path: join(SHOTS, "pay-link-paid-light.png"), fullPage: true });
      await state.customerBrowser.close();
      current = page;
    },
  );

  await step("The overview shows today's volume and the 30-day chart", async () => {
    current = page;
    await page.goto(`${BASE}/`);
    const today = page.locator(".card", { hasText: "Today’s volume" });
    await poll(async () => /₹[1-9]/.test((await today.textContent()) ?? ""), {
      timeout: 30_000,
      message: "today's volume to count the card payment",
    });
    await page
      .getByRole("img", { name: /Daily volume in INR/ })
      .locator("svg")
      .first()
      .waitFor();
  });

  await step("Enrol two-step verification", async () => {
    await page.goto(`${BASE}/settings/security`);
    await page.getByRole("button", { name: "Set up two-step verification" }).click();
    const uri = (await page.getByTestId("otpauth-uri").textContent())?.trim() ?? "";
    state.totpSecret =
      secretFromOtpauth(uri) ?? (await page.getByTestId("totp-secret").textContent())?.trim();
    const { code, counter } = totp(state.totpSecret);
    state.usedCounter = counter;
    await page.getByLabel("Authentication code").fill(code);
    await page.getByRole("button", { name: "Turn on two-step verification" }).click();
    await page.getByRole("heading", { name: "Two-step verification is on" }).waitFor();
    const codes = await page
      .getByRole("list", { name: "Recovery codes" })
      .getByRole("listitem")
      .count();
    if (codes !== 10) throw new Error(`expected 10 recovery codes, saw ${codes}`);
    await page.getByRole("button", { name: "I saved my recovery codes" }).click();
  });

  await step("Log out, then log in with a TOTP code", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Log in", exact: true }).click();
    await page.getByRole("heading", { name: "Two-step verification" }).waitFor();
    // A code works once: wait for the next 30 s window if enrolment used this one.
    const fresh = await poll(
      () => {
        const next = totp(state.totpSecret);
        return next.counter !== state.usedCounter ? next : null;
      },
      { timeout: 35_000, interval: 500, message: "a fresh TOTP window" },
    );
    await page.getByLabel("Authentication code").fill(fresh.code);
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
  });

  await step("Dark mode toggles and is remembered", async () => {
    const before = await page.evaluate(() => document.documentElement.dataset.theme);
    const target = before === "dark" ? "light" : "dark";
    await page.getByRole("button", { name: `Switch to ${target} mode` }).click();
    await page.waitForFunction((value) => document.documentElement.dataset.theme === value, target);
    await page.reload();
    await page.waitForFunction((value) => document.documentElement.dataset.theme === value, target);
    await page.getByRole("button", { name: `Switch to ${before} mode` }).click();
  });

  await step("Dashboard pages pass axe in light and dark (screenshots)", async () => {
    const payment = state.card.id;
    const pages = [
      ["overview", "/"],
      ["transactions", "/transactions"],
      ["payment-details", `/payments/${payment}`],
      ["webhooks-endpoints", "/webhooks"],
      ["webhooks-attempts", "/webhooks/attempts"],
      ["webhooks-verify", "/webhooks/verify"],
      ["settings-account", "/settings/account"],
      ["settings-security", "/settings/security"],
      ["settings-api-keys", "/settings/api-keys"],
      ["settings-team", "/settings/team"],
      ["settings-audit-log", "/settings/audit-log"],
      ["settings-limits", "/settings/limits"],
      ["wallet", "/wallet"],
      ["payment-links", "/payment-links"],
      ["payment-links-new", "/payment-links/new"],
      ["onboarding", "/onboarding?new=1"],
      ["not-found", "/no-such-page"],
    ];
    for (const [name, path] of pages) await audit(page, name, path);
    await audit(page, "webhooks-test-panel", `/webhooks/endpoints/${state.endpointId}`, {
      ready: (p) => p.getByRole("heading", { name: "Recent attempts" }).waitFor(),
    });
    // The card payment paid earlier reaches the analytics through their consumer.
    await audit(page, "analytics", "/analytics", {
      ready: (p) => p.getByRole("heading", { level: 2, name: "INR" }).waitFor(),
    });
    await audit(page, "payment-link-details", `/payment-links/${state.link.id}`, {
      ready: (p) => p.getByRole("table", { name: "Payments" }).waitFor(),
    });
    const freshLink = await api("POST", "/payment-links", {
      token: state.secretKey,
      headers: { "Idempotency-Key": `e2e-link-${stamp}` },
      body: { amount: 19900, currency: "INR", description: "Cardamom tea, 250 g" },
    });
    state.freshLinkPath = new URL(freshLink.url).pathname;
    await audit(page, "pay-link", state.freshLinkPath, {
      ready: (p) => p.getByRole("button", { name: "Pay ₹199.00" }).waitFor(),
    });
    await audit(page, "pay-link-paid", new URL(state.link.url).pathname, {
      ready: (p) =>
        p
          .getByRole("heading", { level: 1, name: "This payment link has already been paid" })
          .waitFor(),
    });
    const fresh = await createPayment();
    await audit(
      page,
      "checkout-card",
      new URL(onBase(fresh.checkoutUrl, BASE)).pathname + new URL(fresh.checkoutUrl).hash,
      {
        ready: (p) => p.getByLabel("Card number").waitFor(),
      },
    );
    await audit(
      page,
      "checkout-succeeded",
      new URL(onBase(state.card.checkoutUrl, BASE)).pathname + new URL(state.card.checkoutUrl).hash,
      {
        ready: (p) => p.getByRole("heading", { name: "Payment successful" }).waitFor(),
      },
    );
  });

  await step("A phone-sized screen (360 px) shows the checkout and the dashboard", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    const fresh = await createPayment();
    await page.goto(onBase(fresh.checkoutUrl, BASE));
    await page.getByLabel("Card number").waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth > window.innerWidth + 1,
    );
    if (overflow) throw new Error("the checkout scrolls sideways at 360 px");
    await page.screenshot({ path: join(SHOTS, "mobile-checkout-light.png"), fullPage: true });
    for (const path of [
      "/transactions",
      "/webhooks/attempts",
      `/webhooks/endpoints/${state.endpointId}`,
      "/settings/api-keys",
      `/payments/${state.card.id}`,
      "/payment-links",
      `/payment-links/${state.link.id}`,
      state.freshLinkPath,
      "/",
    ]) {
      await page.goto(`${BASE}${path}`);
      await page.locator("h1").first().waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      const wide = await page.evaluate(() => {
        if (document.documentElement.scrollWidth <= window.innerWidth + 1) return null;
        return [...document.querySelectorAll("body *")]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
          .filter((el) => {
            // Inside a scrolling box (tables, tabs) is fine: only what widens the page counts.
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
              if (getComputedStyle(up).overflowX !== "visible") return false;
            }
            return true;
          })
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
      });
      if (wide) throw new Error(`${path} scrolls sideways at 360 px: ${wide.join(", ")}`);
    }
    await page.goto(`${BASE}/transactions`);
    await page.getByRole("heading", { name: "Transactions", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Menu" }).click();
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Webhooks" })
      .waitFor();
    await page.screenshot({ path: join(SHOTS, "mobile-transactions-light.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  await step("The guides and the API reference run under their own policies", async () => {
    current = page;
    const before = cspViolations.length;
    for (const path of ["/guides/", "/guides/reference/errors.html"]) {
      await page.goto(`${BASE}${path}`, { waitUntil: "load" });
      // The theme's inline script ran (allowed by its hash): it defines the storage helper.
      await page.waitForFunction(() => typeof window.__md_get === "function");
      await page.getByRole("heading", { level: 1 }).first().waitFor();
    }
    await page.goto(`${BASE}/docs`);
    await page
      .getByRole("heading", { name: /Expe API/ })
      .first()
      .waitFor();
    await page.goto(`${BASE}/redoc`);
    await page
      .getByRole("heading", { name: /Expe API/ })
      .first()
      .waitFor();
    // Whatever those pages reported has arrived once the next page has loaded.
    await page.goto(`${BASE}/`);
    await page.locator("h1").first().waitFor();
    // Refused by design: the only loads these pages try from another origin.
    const thirdParty = [
      "https://unpkg.com/iframe-worker/shim", // the guides' offline plugin, for file:// only
      "https://cdn.redoc.ly/", // Redoc's badge logo
    ];
    const unexpected = cspViolations
      .splice(before)
      .filter((violation) => !thirdParty.some((url) => violation.includes(url)));
    if (unexpected.length) throw new Error(unexpected.join("\n"));
  });

  await step("No Content-Security-Policy violations", async () => {
    if (cspViolations.length) throw new Error(cspViolations.join("\n"));
  });

  await step(
    "Markup stored in every field a page shows is text: nothing runs, with or without the CSP",
    async () => {
      state.attacker = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      const planted = await plantHostileMerchant({
        api,
        mailpit: MAILPIT,
        receiverUrl: receiver.url,
        stamp,
      });
      const pages = hostilePages(planted, (link) => onBase(link, BASE));
      // Without the policy first: a page that rendered a field as HTML would run its payload.
      for (const bypassCSP of [true, false]) {
        const fired = [];
        const hostile = await state.attacker.newContext({ bypassCSP, locale: "en-US" });
        await hostile.exposeBinding("__xssFired", (_source, label) => fired.push(label));
        await recordPolicyViolations(hostile, cspViolations, "hostile");
        current = watch(await hostile.newPage(), bypassCSP ? "hostile, no CSP" : "hostile");
        const { refreshToken } = await planted.login();
        await current.goto(`${BASE}/login`);
        await current.evaluate(
          ([token, merchant]) => {
            localStorage.setItem("expe.refreshToken", token);
            localStorage.setItem("expe.merchant", merchant);
          },
          [refreshToken, planted.merchantId],
        );
        for (const [name, path, texts] of pages) {
          await current.goto(`${BASE}${path}`);
          await current.locator("h1").first().waitFor();
          const seen = await poll(
            async () => {
              const found = await current.evaluate(inspectPage, texts);
              return found.injected.length || !found.missing.length ? found : null;
            },
            { timeout: 15_000, message: `${name} to show ${texts.join(" | ")}` },
          );
          if (seen.injected.length)
            throw new Error(`${name} rendered markup: ${seen.injected.join(", ")}`);
          if (!bypassCSP && name === "payment-details")
            await current.screenshot({ path: join(SHOTS, "stored-markup-payment.png") });
        }
        await hostile.close();
        if (fired.length) throw new Error(`payloads ran: ${fired.join(", ")}`);
        if (cspViolations.length) throw new Error(cspViolations.join("\n"));
      }
    },
  );

  await step("An injected inline script and eval are refused by the policy", async () => {
    const probe = await state.attacker.newContext({ locale: "en-US" });
    current = await probe.newPage();
    for (const path of ["/login", "/checkout/pay_doesnotexist", "/docs", "/guides/"]) {
      await current.goto(`${BASE}${path}`, { waitUntil: "load" });
      const outcome = await tryInlineScript(current);
      if (
        outcome.ran ||
        outcome.directive !== "script-src-elem" ||
        outcome.evaluated !== "EvalError"
      )
        throw new Error(`${path}: ${JSON.stringify(outcome)}`);
    }
    await probe.close();
  });

  await step("No other origin can frame the dashboard, the checkout or the guides", async () => {
    const framer = await state.attacker.newContext({ locale: "en-US" });
    const rendered = await frameFromAnotherOrigin(framer, BASE, [
      "/login",
      "/",
      "/transactions",
      "/checkout/pay_doesnotexist",
      "/docs",
      "/guides/",
    ]);
    if (rendered.length) throw new Error(`framed and rendered: ${rendered.join(", ")}`);
    await framer.close();
    await state.attacker.close();
    current = page;
  });

  receiver.close();
  await context.close();
  rmSync(profileDir, { recursive: true, force: true });
  log(`All steps passed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

main().catch((error) => {
  log(`✘ ${error?.stack ?? error}`);
  process.exit(1);
});
