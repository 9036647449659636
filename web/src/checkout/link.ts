// A payment link's public page: what each refusal means to the customer, the amount they enter,
// and where the payment it starts is paid.
import { ApiError } from "../api/client";
import type { CheckoutLink, PaymentLinkStatus } from "../api/types";
import { formatMoney, parseAmount, toDecimalString } from "../lib/money";

/** The answers after which the link takes no payment: the page says why instead of the form. */
export type LinkClosure =
  "payment_link_inactive" | "payment_link_expired" | "payment_link_used" | "payment_link_not_found";

export const CLOSURES: Record<LinkClosure, { title: string; text: string }> = {
  payment_link_inactive: {
    title: "This payment link is no longer active",
    text: "The merchant turned it off. Ask them for a new link if you still need to pay.",
  },
  payment_link_expired: {
    title: "This payment link has expired",
    text: "Ask the merchant for a new link if you still need to pay.",
  },
  payment_link_used: {
    title: "This payment link has already been paid",
    text: "It takes no more payments. Ask the merchant if you expected to pay.",
  },
  payment_link_not_found: {
    title: "This payment link does not exist",
    text: "Open the exact link the merchant sent you, or ask them for a new one.",
  },
};

export const BUSY_MESSAGE =
  "A payment through this link is in progress right now. Try again shortly.";

const CLOSED_STATUSES: Partial<Record<PaymentLinkStatus, LinkClosure>> = {
  inactive: "payment_link_inactive",
  expired: "payment_link_expired",
  completed: "payment_link_used",
};

export function closureOfStatus(status: PaymentLinkStatus): LinkClosure | null {
  return CLOSED_STATUSES[status] ?? null;
}

export function closureOfError(error: unknown): LinkClosure | null {
  if (!(error instanceof ApiError) || (error.status !== 409 && error.status !== 404)) return null;
  return error.code in CLOSURES ? (error.code as LinkClosure) : null;
}

/** Why the amount a customer typed cannot be paid, or null when it can. */
export function amountError(text: string, link: CheckoutLink): string | null {
  const minor = parseAmount(text, link.currency);
  if (minor === null) {
    const example = toDecimalString(link.minAmount ?? 49900, link.currency);
    return `Enter an amount in ${link.currency}, like ${example}`;
  }
  if (minor <= 0) return "The amount must be more than zero";
  if (link.minAmount !== null && minor < link.minAmount)
    return `The amount must be at least ${formatMoney(link.minAmount, link.currency)}`;
  if (link.maxAmount !== null && minor > link.maxAmount)
    return `The amount must be at most ${formatMoney(link.maxAmount, link.currency)}`;
  return null;
}

/**
 * The hosted checkout's address on this origin: the checkout URL's path and fragment (the
 * fragment holds the client secret). The API names its own public host, which is not always the
 * one this page was served from (the dev server, a proxy).
 */
export function checkoutPath(checkoutUrl: string): string {
  const url = new URL(checkoutUrl, window.location.origin);
  return `${url.pathname}${url.search}${url.hash}`;
}
