// What the dashboard's charts share: their axes, tooltip and money ticks (recharts props).
import { formatMoney, minorDigits } from "../lib/money";

const tick = { fill: "var(--muted)", fontSize: 12 };

export const X_AXIS = { tick, tickLine: false, axisLine: false, minTickGap: 24 } as const;

export const Y_AXIS = { tick, tickLine: false, axisLine: false, width: 80 } as const;

export const TOOLTIP_STYLE = {
  background: "var(--surface)",
  border: "1px solid var(--border)",
  color: "var(--text)",
};

/** Minor units to the major ones recharts plots (axes need numbers). */
export const majorScale = (currency: string) => 10 ** minorDigits(currency);

/** An axis tick in major units, formatted as money without a zero fraction. */
export function moneyTick(currency: string) {
  const scale = majorScale(currency);
  return (value: number) => formatMoney(Math.round(value * scale), currency).replace(/\.00$/, "");
}
