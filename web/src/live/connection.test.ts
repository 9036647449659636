import { describe, expect, it, vi } from "vitest";
import { backoffDelay, LiveConnection, liveUrl } from "./connection";
import type { LiveStatus } from "./connection";

class FakeSocket {
  static all: FakeSocket[] = [];
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((message: { data: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(public url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
    this.onclose?.();
  }
  serverSays(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function connect(overrides = {}) {
  FakeSocket.all = [];
  const events: string[] = [];
  const statuses: LiveStatus[] = [];
  const connection = new LiveConnection({
    url: "ws://test/api/v1/live",
    auth: async () => ({ type: "auth", accessToken: "at", merchantId: "mer_1", mode: "test" }),
    onEvent: (event) => events.push(event.id),
    onStatus: (status) => statuses.push(status),
    random: () => 1,
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    ...overrides,
  });
  return { connection, events, statuses };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the live connection", () => {
  it("uses the page's scheme and host", () => {
    expect(liveUrl({ protocol: "https:", host: "pay.example.com" })).toBe(
      "wss://pay.example.com/api/v1/live",
    );
    expect(liveUrl({ protocol: "http:", host: "localhost:5173" })).toBe(
      "ws://localhost:5173/api/v1/live",
    );
  });

  it("backs off exponentially with jitter and a ceiling", () => {
    expect(backoffDelay(0, 1000, 30000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 1000, 30000, () => 1)).toBe(8000);
    expect(backoffDelay(10, 1000, 30000, () => 1)).toBe(30000);
    expect(backoffDelay(3, 1000, 30000, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, 1000, 30000, () => 0)).toBe(250);
  });

  it("authenticates in the first message, then delivers events once each", async () => {
    const { connection, events, statuses } = connect();
    connection.start();
    await flush();
    const socket = FakeSocket.all[0]!;
    expect(socket.url).toBe("ws://test/api/v1/live");
    socket.onopen?.();
    expect(JSON.parse(socket.sent[0]!)).toEqual({
      type: "auth",
      accessToken: "at",
      merchantId: "mer_1",
      mode: "test",
    });
    socket.serverSays({ type: "ready" });
    expect(statuses).toContain("connected");
    socket.serverSays({
      type: "event",
      id: "evt_1",
      event: "payment.created",
      data: { paymentId: "pay_1" },
    });
    socket.serverSays({
      type: "event",
      id: "evt_1",
      event: "payment.created",
      data: { paymentId: "pay_1" },
    });
    socket.onmessage?.({ data: "not json" });
    expect(events).toEqual(["evt_1"]);
    expect(connection.lastSeen).toBe("evt_1");
    connection.stop();
    expect(socket.closed).toBe(true);
  });

  it("reconnects after a drop and resumes from the last event", async () => {
    vi.useFakeTimers();
    const { connection, statuses } = connect();
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = FakeSocket.all[0]!;
    first.onopen?.();
    first.serverSays({ type: "ready" });
    first.serverSays({ type: "event", id: "evt_7", event: "payment.completed", data: {} });
    first.onclose?.();
    expect(statuses.at(-1)).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(1000);
    const second = FakeSocket.all[1]!;
    second.onopen?.();
    expect(JSON.parse(second.sent[0]!)).toMatchObject({ lastEventId: "evt_7" });
    connection.stop();
  });

  it("reads offline after repeated failures and keeps trying", async () => {
    vi.useFakeTimers();
    const { connection, statuses } = connect({ offlineAfter: 2 });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    FakeSocket.all[0]!.onclose?.();
    await vi.advanceTimersByTimeAsync(1000);
    FakeSocket.all[1]!.onclose?.();
    expect(statuses.at(-1)).toBe("offline");
    expect(connection.currentStatus).toBe("offline");
    await vi.advanceTimersByTimeAsync(2000);
    expect(FakeSocket.all).toHaveLength(3);
    connection.stop();
  });

  it("asks for fresh credentials when the server refuses them", async () => {
    const onAuthError = vi.fn();
    const { connection } = connect({ onAuthError });
    connection.start();
    await flush();
    const socket = FakeSocket.all[0]!;
    socket.onopen?.();
    socket.serverSays({ type: "error", code: "token_expired", message: "expired" });
    await flush();
    expect(onAuthError).toHaveBeenCalledWith("token_expired");
    expect(socket.closed).toBe(true);
    connection.stop();
  });

  it("reads the API again after a reset and renews an expired token", async () => {
    vi.useFakeTimers();
    const onReset = vi.fn();
    const onAuthError = vi.fn();
    const { connection } = connect({ onReset, onAuthError });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    const socket = FakeSocket.all[0]!;
    socket.onopen?.();
    socket.serverSays({ type: "ready" });
    socket.serverSays({ type: "reset" });
    expect(onReset).toHaveBeenCalled();
    (socket.onclose as unknown as (event: { code: number }) => void)({ code: 4401 });
    await vi.advanceTimersByTimeAsync(1);
    expect(onAuthError).toHaveBeenCalledWith("token_expired");
    expect(FakeSocket.all).toHaveLength(2);
    connection.stop();
  });

  it("waits without credentials", async () => {
    vi.useFakeTimers();
    const { connection, statuses } = connect({ auth: async () => null });
    connection.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeSocket.all).toHaveLength(0);
    expect(statuses).toContain("reconnecting");
    connection.stop();
  });
});
