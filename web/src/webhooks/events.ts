export const EVENT_TYPES = [
  "payment.created",
  "payment.completed",
  "payment.failed",
  "payment.canceled",
  "refund.issued",
];
export const EVENT_CHOICES = ["*", "payment.*", ...EVENT_TYPES];

export function describeEvents(events: string[]): string {
  if (events.includes("*")) return "All events";
  return events.join(", ");
}

export const GRACE_CHOICES = [
  { value: "0", label: "Stop the old secret now" },
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "24 hours (default)" },
  { value: "604800", label: "7 days" },
];
