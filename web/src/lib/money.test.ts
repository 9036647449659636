import { describe, expect, it } from "vitest";
import { formatMoney, minorDigits, parseAmount, toDecimalString } from "./money";

describe("money", () => {
  it("knows each currency's minor units", () => {
    expect(minorDigits("INR")).toBe(2);
    expect(minorDigits("jpy")).toBe(0);
    expect(minorDigits("BHD")).toBe(3);
    expect(minorDigits("NOPE")).toBe(2);
  });

  it("writes minor units as an exact decimal", () => {
    expect(toDecimalString(12345, "INR")).toBe("123.45");
    expect(toDecimalString(5, "INR")).toBe("0.05");
    expect(toDecimalString(-150, "INR")).toBe("-1.50");
    expect(toDecimalString(1500, "JPY")).toBe("1500");
    expect(toDecimalString(1234, "BHD")).toBe("1.234");
  });

  it("formats with the currency's digits", () => {
    expect(formatMoney(49900, "INR", "en-US")).toBe("₹499.00");
    expect(formatMoney(1500, "JPY", "en-US")).toBe("¥1,500");
    expect(formatMoney(900719925474099, "USD", "en-US")).toBe("$9,007,199,254,740.99");
  });

  it("parses what people type without floats", () => {
    expect(parseAmount("123.45", "INR")).toBe(12345);
    expect(parseAmount("1,234.5", "INR")).toBe(123450);
    expect(parseAmount("0.1", "INR")).toBe(10);
    expect(parseAmount(".5", "INR")).toBe(50);
    expect(parseAmount("100", "INR")).toBe(10000);
    expect(parseAmount("0.29", "INR")).toBe(29);
    expect(parseAmount("1500", "JPY")).toBe(1500);
  });

  it("refuses what is not an amount", () => {
    expect(parseAmount("", "INR")).toBeNull();
    expect(parseAmount("12.345", "INR")).toBeNull();
    expect(parseAmount("1.5", "JPY")).toBeNull();
    expect(parseAmount("-1", "INR")).toBeNull();
    expect(parseAmount("abc", "INR")).toBeNull();
    expect(parseAmount(".", "INR")).toBeNull();
    expect(parseAmount("9999999999999999", "INR")).toBeNull();
  });
});
