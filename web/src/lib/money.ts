// Money is an integer of minor units plus an ISO-4217 code; it never becomes a float.

const digitsCache = new Map<string, number>();

function currencyDigits(code: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** The currency's minor-unit digits (INR 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  const code = currency.toUpperCase();
  const cached = digitsCache.get(code);
  if (cached !== undefined) return cached;
  const digits = currencyDigits(code);
  digitsCache.set(code, digits);
  return digits;
}

/** "12345" minor units of INR -> "123.45", by string arithmetic. */
export function toDecimalString(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(Math.trunc(minor)));
  if (digits === 0) return (negative ? "-" : "") + text;
  const padded = text.padStart(digits + 1, "0");
  const whole = padded.slice(0, padded.length - digits);
  const fraction = padded.slice(padded.length - digits);
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

export function formatMoney(minor: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase();
  const key = `${locale ?? ""}|${code}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.NumberFormat(locale, { style: "currency", currency: code });
    } catch {
      return `${toDecimalString(minor, code)} ${code}`;
    }
    formatters.set(key, formatter);
  }
  // Intl formats a decimal string exactly (no binary rounding on the way).
  return formatter.format(toDecimalString(minor, code) as unknown as number);
}

/**
 * A person's "1,234.5" -> 123450 minor units, or null when it is not an amount of this currency
 * (too many decimals, letters, negative).
 */
export function parseAmount(input: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const text = input.trim().replace(/[,\s_]/g, "");
  const pattern = digits === 0 ? /^(\d+)$/ : new RegExp(`^(\\d*)(?:\\.(\\d{0,${digits}}))?$`);
  const match = pattern.exec(text);
  if (!match || text === "" || text === ".") return null;
  const whole = (match[1] ?? "").replace(/^0+(?=\d)/, "") || "0";
  const fraction = (match[2] ?? "").padEnd(digits, "0");
  const minorText = (whole + fraction).replace(/^0+(?=\d)/, "");
  if (minorText.length > 15) return null;
  return Number(minorText);
}
