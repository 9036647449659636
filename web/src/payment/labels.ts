import type { PaymentMethod } from "../api/types";

export const METHOD_NAMES: Record<PaymentMethod, string> = {
  card: "Card",
  upi_qr: "UPI QR",
  wallet: "Wallet",
};

export function methodLabel(
  method: PaymentMethod | null | undefined,
  card?: { brand: string; last4: string } | null,
): string {
  if (!method) return "—";
  if (method === "card" && card) return `${brandName(card.brand)} •••• ${card.last4}`;
  return METHOD_NAMES[method] ?? method;
}

const BRANDS: Record<string, string> = {
  amex: "American Express",
  mastercard: "Mastercard",
  rupay: "RuPay",
  visa: "Visa",
};

/** "visa" -> "Visa": the API names brands in lower case. */
export function brandName(brand: string): string {
  return BRANDS[brand.toLowerCase()] ?? brand.charAt(0).toUpperCase() + brand.slice(1);
}
