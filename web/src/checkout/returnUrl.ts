/** The merchant's return URL with ?paymentId=…&status=… added; null when it is not http(s). */
export function returnTarget(returnUrl: string, paymentId: string, status: string): string | null {
  try {
    const url = new URL(returnUrl, window.location.origin);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    url.searchParams.set("paymentId", paymentId);
    url.searchParams.set("status", status);
    return url.toString();
  } catch {
    return null;
  }
}

/** The client secret from "#pay_…_secret_…" (the fragment never reaches a server log). */
export function secretFromHash(hash: string): string | null {
  let value: string;
  try {
    value = decodeURIComponent(hash.replace(/^#/, "")).trim();
  } catch {
    return null; // a mangled link: the page says it is invalid
  }
  return value.length > 0 ? value : null;
}
