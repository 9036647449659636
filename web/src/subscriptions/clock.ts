// A test clock's times: a `datetime-local` input holds a wall-clock time in the user's zone.
import { zonedToUtcIso } from "../lib/time";

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(zone: string, date: Date): Record<string, string> {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    formatters.set(zone, format);
  }
  return Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
}

/** An instant as a `datetime-local` value in `zone`: "2026-12-01T15:30". */
export function toLocalInput(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const p = partsIn(zone, date);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** A `datetime-local` value read in `zone`, as an ISO instant; null when it is not one. */
export function fromLocalInput(value: string, zone: string): string | null {
  const [day = "", time = ""] = value.split("T");
  return zonedToUtcIso(day, zone, time.slice(0, 5));
}

export type ClockStep = "day" | "week" | "month";

export const CLOCK_STEPS: { step: ClockStep; label: string }[] = [
  { step: "day", label: "+1 day" },
  { step: "week", label: "+1 week" },
  { step: "month", label: "+1 month" },
];

/** `iso` one step later; a month later keeps the day, or takes the month's last (Jan 31 → Feb 28). */
export function addStep(iso: string, step: ClockStep): string {
  const date = new Date(iso);
  if (step === "day") date.setUTCDate(date.getUTCDate() + 1);
  else if (step === "week") date.setUTCDate(date.getUTCDate() + 7);
  else {
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + 1);
    const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, last));
  }
  return date.toISOString();
}
