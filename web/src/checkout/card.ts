// Card input checks done before the network: the sandbox decides the outcome.
import type { CardInput } from "../api/types";

export function digitsOnly(value: string): string {
  return value.replace(/\D/g, "");
}

export function luhnValid(number: string): boolean {
  const digits = digitsOnly(number);
  if (digits.length < 12 || digits.length > 19) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** "4242424242424242" -> "4242 4242 4242 4242" */
export function formatCardNumber(value: string): string {
  return digitsOnly(value)
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** "12/30", "12 / 2030", "1230" -> {month: 12, year: 2030}, or null. */
export function parseExpiry(value: string): { month: number; year: number } | null {
  const match = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value);
  if (!match) return null;
  const month = Number(match[1]);
  let year = Number(match[2]);
  if (year < 100) year += 2000;
  if (month < 1 || month > 12) return null;
  return { month, year };
}

export function expiryInFuture(expiry: { month: number; year: number }, now = new Date()): boolean {
  const y = now.getFullYear();
  const m = now.getMonth() + 1;
  return expiry.year > y || (expiry.year === y && expiry.month >= m);
}

export function brandOf(number: string): string | null {
  const d = digitsOnly(number);
  if (/^4/.test(d)) return "Visa";
  if (/^(5[1-5]|2[2-7])/.test(d)) return "Mastercard";
  if (/^3[47]/.test(d)) return "American Express";
  if (/^(60|65|81|82|508)/.test(d)) return "RuPay";
  return null;
}

export const SANDBOX_CARDS = [
  { number: "4242 4242 4242 4242", outcome: "Succeeds" },
  { number: "4000 0000 0000 0002", outcome: "Declined (card_declined)" },
  { number: "4000 0000 0000 9995", outcome: "Declined (insufficient_funds)" },
  { number: "4000 0000 0000 0069", outcome: "Declined (expired_card)" },
  { number: "4000 0000 0000 0127", outcome: "Declined (incorrect_cvc)" },
  { number: "4000 0000 0000 0119", outcome: "Declined (processing_error)" },
];

export interface CardText {
  number: string;
  expiry: string;
  cvc: string;
}

export interface CardCheck {
  /** What is wrong, by field; empty when the card can be sent. */
  problems: Partial<Record<keyof CardText, string>>;
  /** The card as the API takes it, when nothing is wrong. */
  card: CardInput | null;
}

/** The card as typed, checked the same way on the checkout and in the dashboard. */
export function checkCard(text: CardText, now = new Date()): CardCheck {
  const problems: CardCheck["problems"] = {};
  if (!luhnValid(text.number)) problems.number = "Enter a valid card number";
  const expiry = parseExpiry(text.expiry);
  if (!expiry) problems.expiry = "Enter the expiry as MM/YY";
  else if (!expiryInFuture(expiry, now)) problems.expiry = "This card has expired";
  if (!/^\d{3,4}$/.test(text.cvc)) problems.cvc = "Enter the 3 or 4 digit security code";
  const card =
    expiry && Object.keys(problems).length === 0
      ? {
          number: digitsOnly(text.number),
          expMonth: expiry.month,
          expYear: expiry.year,
          cvc: text.cvc,
        }
      : null;
  return { problems, card };
}
