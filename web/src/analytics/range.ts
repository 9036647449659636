// The page's range: UTC calendar days "YYYY-MM-DD", both ends included.
import type { Granularity } from "../api/types";

export const GRANULARITIES: { value: Granularity; label: string }[] = [
  { value: "day", label: "Day" },
  { value: "week", label: "Week" },
  { value: "month", label: "Month" },
];

export const PRESETS = [
  { id: "7d", label: "Last 7 days", days: 7 },
  { id: "30d", label: "Last 30 days", days: 30 },
  { id: "90d", label: "Last 90 days", days: 90 },
  { id: "12m", label: "Last 12 months", months: 12 },
] as const;

export type PresetId = (typeof PRESETS)[number]["id"];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parse(day: string): Date | null {
  if (!DAY.test(day)) return null;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCDate() === d ? date : null;
}

const text = (date: Date) => date.toISOString().slice(0, 10);

export function isDay(day: string): boolean {
  return parse(day) !== null;
}

export function todayUtc(now: Date = new Date()): string {
  return text(now);
}

export function addDays(day: string, days: number): string {
  const date = parse(day);
  if (!date) return day;
  date.setUTCDate(date.getUTCDate() + days);
  return text(date);
}

/** Whole days from one day to another (0 for the same day). */
export function daysBetween(start: string, end: string): number {
  const a = parse(start);
  const b = parse(end);
  return a && b ? Math.round((b.getTime() - a.getTime()) / 86_400_000) : 0;
}

/** The range of a preset ending today (UTC). */
export function presetRange(id: PresetId, now: Date = new Date()): { from: string; to: string } {
  const to = todayUtc(now);
  const preset = PRESETS.find((item) => item.id === id) ?? PRESETS[1];
  if ("months" in preset) {
    const start = new Date(now);
    start.setUTCMonth(start.getUTCMonth() - preset.months);
    return { from: addDays(text(start), 1), to };
  }
  return { from: addDays(to, 1 - preset.days), to };
}

/** The preset a range is, when it is one. */
export function presetOf(from: string, to: string, now: Date = new Date()): PresetId | null {
  for (const preset of PRESETS) {
    const range = presetRange(preset.id, now);
    if (range.from === from && range.to === to) return preset.id;
  }
  return null;
}

/** Months between two "YYYY-MM" (0 for the same month). */
export function monthsBetween(start: string, end: string): number {
  const [ys, ms] = start.split("-").map(Number) as [number, number];
  const [ye, me] = end.split("-").map(Number) as [number, number];
  return (ye - ys) * 12 + (me - ms);
}

/** "2026-10" as "Oct 2026". */
export function formatMonth(month: string): string {
  const [y, m] = month.split("-").map(Number);
  if (!y || !m) return month;
  return new Intl.DateTimeFormat(undefined, {
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y, m - 1, 1)));
}

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "—";
  return percent.format(rate);
}

export function formatCount(value: number): string {
  return new Intl.NumberFormat().format(value);
}
