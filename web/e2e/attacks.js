// The attacks the browser run tries: a merchant whose every field holds markup that would run if
// a page rendered it as HTML, an inline script injected into a page, and framing from another
// origin; and the checks that prove each is refused.
//
// Each payload calls `__xssFired(label)`, a binding the browser context exposes to the test, so a
// payload that ran names the field it came from.
import { mailTo, poll } from "./lib.js";

const FIRED = "__xssFired";

const PAYLOADS = {
  img: (label) => `<img src=x onerror="${FIRED}('${label}')">`,
  script: (label) => `<script>${FIRED}('${label}')</script>`,
  svg: (label) => `"><svg onload="${FIRED}('${label}')">`,
  link: (label) => `<a href="javascript:${FIRED}('${label}')">${label}</a>`,
};

/** The text of the field `label`, with markup of the given kind. */
export function hostile(kind, label) {
  return `${label} ${PAYLOADS[kind](label)}`;
}

/**
 * Signs up a user and sets up a merchant through the API with a payload in every field a page
 * shows: user, merchant, project and API key names, a webhook endpoint's URL and description,
 * a paid payment's order id, description, metadata, customer email and return URL, a refund's
 * reason. Returns the session to open the dashboard with and what each field holds.
 */
export async function plantHostileMerchant({ api, mailpit, receiverUrl, stamp }) {
  const fields = {
    userName: hostile("svg", "user-name"),
    merchantName: hostile("img", "merchant-name"),
    projectName: hostile("script", "project-name"),
    keyName: hostile("link", "key-name"),
    endpointDescription: hostile("img", "endpoint-description"),
    endpointUrl: `${receiverUrl}?q="><svg/onload=${FIRED}('endpoint-url')>`,
    orderId: hostile("svg", "order-id"),
    description: hostile("script", "description"),
    metadataValue: hostile("img", "metadata-value"),
    metadataLink: `javascript:${FIRED}('metadata-link')`,
    // The API takes only valid addresses: the characters of an address that HTML escapes.
    customerEmail: `o'brien&co-${stamp}@example.com`,
    // No spaces in a return URL: the markup closes the attribute it would be put in.
    returnUrl: `https://shop.example/done?q="><svg/onload=${FIRED}('return-url')>`,
    refundReason: hostile("link", "refund-reason"),
  };
  const email = `hostile-${stamp}@example.com`;
  const password = "a long unusual hostile passphrase";
  await api("POST", "/auth/register", { body: { email, password, name: fields.userName } });
  const mail = await mailTo(mailpit, email, { subject: /verif|confirm/i });
  const token = /verify-email\?token=([^\s]+)/.exec(mail)?.[1];
  if (!token) throw new Error(`no verification link in the email:\n${mail}`);
  await api("POST", "/auth/verify-email", { body: { token: decodeURIComponent(token) } });
  const login = async () => api("POST", "/auth/login", { body: { email, password } });
  const owner = (await login()).accessToken;
  const merchant = await api("POST", "/merchants", {
    token: owner,
    body: { name: fields.merchantName, country: "IN", defaultCurrency: "INR" },
  });
  const asOwner = { token: owner, headers: { "Expe-Merchant": merchant.id, "Expe-Mode": "test" } };
  const project = await api("POST", `/merchants/${merchant.id}/projects`, {
    ...asOwner,
    body: { name: fields.projectName },
  });
  const key = await api("POST", `/projects/${project.id}/api-keys`, {
    ...asOwner,
    body: { type: "secret", mode: "test", name: fields.keyName },
  });
  const asKey = { token: key.secret };

  // A link-like field never holds a script: the API refuses javascript: URLs outright.
  for (const [path, body] of [
    ["/webhooks/endpoints", { url: `javascript:${FIRED}('endpoint')` }],
    [
      "/payments",
      { amount: 100, currency: "INR", orderId: `js-${stamp}`, returnUrl: fields.metadataLink },
    ],
  ]) {
    const status = await api("POST", path, {
      ...asKey,
      headers: { "Idempotency-Key": `js-${stamp}-${path}` },
      body,
    }).then(
      () => 201,
      (error) => error.status,
    );
    if (status !== 400) throw new Error(`POST ${path} with a javascript: URL answered ${status}`);
  }

  const endpoint = await api("POST", "/webhooks/endpoints", {
    ...asKey,
    body: { url: fields.endpointUrl, description: fields.endpointDescription },
  });
  const newPayment = (suffix) =>
    api("POST", "/payments", {
      ...asKey,
      headers: { "Idempotency-Key": `hostile-${stamp}-${suffix}` },
      body: {
        amount: 49900,
        currency: "INR",
        orderId: fields.orderId,
        description: fields.description,
        customer: { email: fields.customerEmail },
        metadata: { note: fields.metadataValue, link: fields.metadataLink },
        returnUrl: fields.returnUrl,
      },
    });
  const paid = await newPayment("paid");
  const clientSecret = decodeURIComponent(new URL(paid.checkoutUrl).hash.slice(1));
  await api("POST", `/checkout/payments/${paid.id}/confirm`, {
    headers: { "Expe-Client-Secret": clientSecret },
    body: {
      method: "card",
      card: { number: "4242424242424242", expMonth: 12, expYear: 2030, cvc: "123" },
    },
  });
  await api("POST", `/payments/${paid.id}/refund`, {
    ...asKey,
    headers: { "Idempotency-Key": `hostile-${stamp}-refund` },
    body: { amount: 10000, reason: fields.refundReason },
  });
  const open = await newPayment("open");
  // The delivery of the payment's events, so the attempts list shows the endpoint's URL.
  await poll(
    async () => (await api("GET", `/webhooks/attempts?paymentId=${paid.id}`, asKey)).data?.length,
    { timeout: 30_000, message: "a webhook attempt for the hostile payment" },
  );
  return { fields, login, merchantId: merchant.id, endpoint, paid, open };
}

/** The pages that show the planted fields, and which fields each must show as text. */
export function hostilePages(planted, onBase) {
  const { fields: f, endpoint, paid, open } = planted;
  const checkout = (payment) => {
    const url = new URL(onBase(payment.checkoutUrl));
    return url.pathname + url.hash;
  };
  return [
    ["overview", "/", [f.merchantName]],
    ["transactions", "/transactions", [f.orderId]],
    ["analytics", "/analytics", []],
    [
      "payment-details",
      `/payments/${paid.id}`,
      [f.orderId, f.description, f.metadataValue, f.metadataLink, f.customerEmail, f.refundReason],
    ],
    ["webhooks-endpoints", "/webhooks", [f.endpointUrl, f.endpointDescription]],
    ["webhooks-test-panel", `/webhooks/endpoints/${endpoint.id}`, [f.endpointUrl]],
    ["webhooks-attempts", `/webhooks/attempts?paymentId=${paid.id}`, [f.endpointUrl]],
    ["settings-account", "/settings/account", [f.userName, f.merchantName]],
    ["settings-api-keys", "/settings/api-keys", [f.projectName, f.keyName]],
    ["settings-team", "/settings/team", [f.userName]],
    ["settings-audit-log", "/settings/audit-log", []],
    ["wallet", "/wallet", [f.merchantName]],
    ["checkout-open", checkout(open), [f.merchantName, f.description, f.orderId]],
    ["checkout-paid", checkout(paid), [f.merchantName, f.orderId]],
  ];
}

/**
 * What a page holds that a payload would have made: an element or attribute carrying the
 * binding's name (markup parsed as HTML), a script: link, and whether each field's text is
 * shown (in the page's text or a form field's value).
 */
export function inspectPage(texts) {
  const fired = "__xssFired";
  const injected = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.tagName === "SCRIPT" && element.textContent.includes(fired)) {
      injected.push(`<script>${element.textContent.slice(0, 60)}`);
    }
    for (const { name, value } of element.attributes) {
      const handler = name.startsWith("on") && value.includes(fired);
      const scriptUrl =
        /^(href|src|action|formaction)$/.test(name) && /^\s*javascript:/i.test(value);
      if (handler || scriptUrl)
        injected.push(`<${element.tagName.toLowerCase()} ${name}="${value}">`);
    }
  }
  const shown = [
    document.body.innerText,
    document.title,
    ...[...document.querySelectorAll("input, textarea")].map((field) => field.value),
  ].join("\n");
  return { injected, missing: texts.filter((text) => !shown.includes(text)) };
}

/**
 * Appends an inline script to the open page and tries eval: the page's policy must refuse both,
 * and report the script as a violation of script-src.
 */
export async function tryInlineScript(page) {
  return page.evaluate(async () => {
    const reported = new Promise((resolve) => {
      document.addEventListener("securitypolicyviolation", (event) => resolve(event), {
        once: true,
      });
    });
    const script = document.createElement("script");
    script.textContent = "window.__inlineRan = true;";
    document.body.append(script);
    // Bounded: a policy that let the script run reports nothing.
    const violation = await Promise.race([
      reported,
      new Promise((resolve) => setTimeout(() => resolve(null), 5_000)),
    ]);
    // After an await this runs as the page's own code: a call straight from the test's evaluate
    // would be exempt from the policy.
    let evaluated;
    try {
      evaluated = window.eval("'eval ran'");
    } catch (error) {
      evaluated = error.name;
    }
    return {
      ran: window.__inlineRan === true,
      directive: violation?.effectiveDirective ?? null,
      evaluated,
    };
  });
}

/**
 * A page on another origin (served by the test itself) frames each of `paths`; the browser must
 * refuse every one, so nothing of the site is rendered inside. A page of a third origin that
 * allows framing is framed beside them and must render, or the check could not tell. Returns the
 * paths that rendered something.
 */
export async function frameFromAnotherOrigin(context, base, paths) {
  const attacker = "http://attacker.test";
  const control = "http://frameable.test";
  const sources = [...paths.map((path) => `${base}${path}`), `${control}/`];
  const frames = sources.map((src) => `<iframe src="${src}" title="${src}"></iframe>`);
  const serve = (body) => (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: `<!doctype html>${body}` });
  await context.route(`${attacker}/**`, serve(`<title>Win a prize</title>${frames.join("")}`));
  await context.route(
    `${control}/**`,
    serve('<title>Frameable</title><div id="root"><p>ok</p></div>'),
  );
  const page = await context.newPage();
  await page.goto(`${attacker}/`, { waitUntil: "load" });
  const children = page.frames().filter((frame) => frame !== page.mainFrame());
  if (children.length !== sources.length)
    throw new Error(`the attacker's page has ${children.length} frames, not ${sources.length}`);
  const rendered = [];
  for (const [index, frame] of children.entries()) {
    // A refused frame is left on the browser's own error page: no document of the site's.
    const content = await frame
      .evaluate(() => ({
        origin: location.origin,
        app: document.querySelector("#root")?.childElementCount ?? 0,
      }))
      .catch(() => ({ origin: "refused", app: 0 }));
    if (content.origin === new URL(sources[index]).origin || content.app > 0)
      rendered.push(sources[index]);
  }
  await page.close();
  await context.unroute(`${attacker}/**`);
  await context.unroute(`${control}/**`);
  if (!rendered.includes(`${control}/`))
    throw new Error("the frameable control page did not render: the check cannot tell");
  return rendered.filter((src) => src !== `${control}/`);
}
