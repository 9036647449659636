import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatDateTime,
  formatDay,
  isValidTimeZone,
  nextDay,
  relativeTime,
  timeZones,
  zonedToUtcIso,
} from "./time";

describe("time", () => {
  it("turns a wall-clock day in a zone into the instant it starts", () => {
    expect(zonedToUtcIso("2026-12-01", "Asia/Kolkata")).toBe("2026-11-30T18:30:00.000Z");
    expect(zonedToUtcIso("2026-12-01", "UTC", "10:15")).toBe("2026-12-01T10:15:00.000Z");
    expect(zonedToUtcIso("2026-07-01", "America/New_York")).toBe("2026-07-01T04:00:00.000Z");
    expect(zonedToUtcIso("not a day", "UTC")).toBeNull();
  });

  it("steps to the next calendar day across months", () => {
    expect(nextDay("2026-12-31")).toBe("2027-01-01");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
  });

  it("formats in the given zone", () => {
    expect(formatDateTime("2026-12-01T20:00:00Z", "Asia/Kolkata")).toMatch(/Dec 2, 2026/);
    expect(formatDateTime(null, "UTC")).toBe("—");
    expect(formatDateTime("garbage", "UTC")).toBe("—");
    expect(formatDate("2026-12-01T20:00:00Z", "UTC")).toMatch(/Dec 1, 2026/);
    expect(formatDate("garbage", "UTC")).toBe("garbage");
    expect(formatDay("2026-12-05")).toMatch(/Dec 5/);
    expect(formatDay("bad")).toBe("bad");
  });

  it("checks zones and lists them", () => {
    expect(isValidTimeZone("Asia/Kolkata")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
    expect(timeZones()).toContain("UTC");
  });

  it("says how long ago", () => {
    const now = Date.parse("2026-12-01T12:00:00Z");
    expect(relativeTime("2026-12-01T11:59:30Z", now)).toMatch(/30 seconds ago/);
    expect(relativeTime("2026-12-01T11:00:00Z", now)).toMatch(/1 hour ago/);
    expect(relativeTime("2026-12-01T12:10:00Z", now)).toMatch(/in 10 minutes/);
    expect(relativeTime("2026-12-03T12:00:00Z", now)).toMatch(/in 2 days/);
  });
});
