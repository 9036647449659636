export const COUNTRIES = [
  "IN",
  "US",
  "GB",
  "SG",
  "AE",
  "AU",
  "CA",
  "DE",
  "FR",
  "NL",
  "IE",
  "ES",
  "IT",
  "SE",
  "CH",
  "JP",
  "HK",
  "MY",
  "ID",
  "PH",
  "TH",
  "VN",
  "BR",
  "MX",
  "ZA",
  "NG",
  "KE",
  "NZ",
  "SA",
  "BH",
];

export const CURRENCIES = [
  "INR",
  "USD",
  "EUR",
  "GBP",
  "SGD",
  "AED",
  "AUD",
  "CAD",
  "JPY",
  "BHD",
  "CHF",
  "SEK",
];

export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function currencyName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: "currency" }).of(code) ?? code;
  } catch {
    return code;
  }
}
