// Helpers of the browser end-to-end run: steps, polling, TOTP, Mailpit, the webhook receiver.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";

/** Polls `probe` until it returns something truthy (expect-style), or throws after `timeout`. */
export async function poll(
  probe,
  { timeout = 20_000, interval = 250, message = "condition" } = {},
) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${message}${lastError ? `: ${lastError.message}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// RFC 4648 base32, as authenticator apps read the otpauth secret.
export function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const clean = text.replace(/=+$/, "").replace(/\s/g, "").toUpperCase();
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA1, 30 s steps, 6 digits. */
export function totp(secret, now = Date.now(), step = 30) {
  const counter = Math.floor(now / 1000 / step);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", base32Decode(secret)).update(message).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const code = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return { code: String(code).padStart(6, "0"), counter };
}

export function secretFromOtpauth(uri) {
  return new URL(uri).searchParams.get("secret");
}

/** The text of the newest Mailpit message to `address`. */
export async function mailTo(mailpit, address, { subject } = {}) {
  return poll(
    async () => {
      const response = await fetch(`${mailpit}/api/v1/messages?limit=50`);
      if (!response.ok) return null;
      const { messages = [] } = await response.json();
      const found = messages.find(
        (message) =>
          (message.To ?? []).some((to) => to.Address.toLowerCase() === address.toLowerCase()) &&
          (!subject || subject.test(message.Subject ?? "")),
      );
      if (!found) return null;
      const full = await (await fetch(`${mailpit}/api/v1/message/${found.ID}`)).json();
      return full.Text ?? "";
    },
    { timeout: 30_000, message: `an email to ${address} in Mailpit` },
  );
}

/** The same path and query on the URL under test (emails and checkout links name the public URL). */
export function onBase(link, base) {
  const url = new URL(link);
  const target = new URL(base);
  url.protocol = target.protocol;
  url.host = target.host;
  return url.toString();
}

function parsed(body) {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return {};
  }
}

/**
 * A local webhook receiver. It answers 500 to the first delivery of `failFirst` (an event
 * type), so there is a failed attempt to retry, echoes a verification challenge, and answers
 * 200 to everything else.
 */
export function startReceiver({ failFirst = "refund.issued" } = {}) {
  const received = [];
  let failed = false;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const event = parsed(Buffer.concat(chunks));
      const type = event.type ?? "";
      const fail = !failed && type === failFirst;
      if (fail) failed = true;
      received.push({ type, id: request.headers["webhook-id"], status: fail ? 500 : 200 });
      response.writeHead(fail ? 500 : 200, { "content-type": "application/json" });
      const challenge = type === "endpoint.verification" ? event.data?.challenge : undefined;
      response.end(JSON.stringify(challenge ? { challenge } : { ok: !fail }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/hooks/expe`,
        received,
        close: () => server.close(),
      });
    });
  });
}

/**
 * Records every Content-Security-Policy violation any page of `context` reports, as the page's
 * own `securitypolicyviolation` event (some, like a caught eval, reach no console).
 */
export async function recordPolicyViolations(context, into, label) {
  await context.exposeBinding("__cspViolation", ({ page }, text) =>
    into.push(`[${label}] ${page?.url() ?? ""}: ${text}`),
  );
  await context.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (event) =>
      // eslint-disable-next-line no-undef
      __cspViolation(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}`),
    ),
  );
}
