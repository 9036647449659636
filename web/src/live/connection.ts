// The one live-updates client: a WebSocket at /api/v1/live on this origin. Credentials go in the
// first message, never in the URL. It reconnects by itself with exponential backoff and full
// jitter and resumes from the last event id it saw.

export type LiveStatus = "connecting" | "connected" | "reconnecting" | "offline";

export interface LiveEvent {
  type: "event";
  id: string;
  event: string;
  data: Record<string, unknown>;
}

type ServerMessage =
  | LiveEvent
  | { type: "ready" }
  | { type: "reset" }
  | { type: "error"; code?: string; message?: string };

/** The server closes with this when the credentials were refused or the access token expired. */
export const CLOSE_REFUSED = 4401;

export type AuthMessage =
  | { type: "auth"; accessToken: string; merchantId: string; mode: string; lastEventId?: string }
  | { type: "auth"; clientSecret: string; paymentId: string; lastEventId?: string };

export interface LiveOptions {
  /** Builds the first message; may refresh the session first. null: not now (stay offline). */
  auth: () => Promise<Omit<AuthMessage, "lastEventId"> | null>;
  onEvent: (event: LiveEvent) => void;
  onStatus?: (status: LiveStatus) => void;
  /** Called when the server refuses the credentials; the next attempt calls `auth` again. */
  onAuthError?: (code: string | undefined) => Promise<void> | void;
  /** The server no longer has the events after `lastEventId`: read the API again. */
  onReset?: () => void;
  url?: string;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failed attempts in a row after which the status reads "offline" (it keeps trying). */
  offlineAfter?: number;
  random?: () => number;
  WebSocketImpl?: typeof WebSocket;
}

export function liveUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/live`;
}

/** Full jitter: a random wait between 0 and min(max, base * 2^attempt), at least 250 ms. */
export function backoffDelay(
  attempt: number,
  base: number,
  max: number,
  random: () => number,
): number {
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.max(250, Math.round(ceiling * random()));
}

export class LiveConnection {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private stopped = false;
  private ready = false;
  private lastEventId: string | undefined;
  private status: LiveStatus = "connecting";
  private readonly seen = new Set<string>();
  private readonly opts: Required<
    Omit<LiveOptions, "onStatus" | "onAuthError" | "onReset" | "WebSocketImpl" | "url">
  > &
    LiveOptions;

  constructor(options: LiveOptions) {
    this.opts = {
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      offlineAfter: 4,
      random: Math.random,
      ...options,
    };
  }

  get currentStatus(): LiveStatus {
    return this.status;
  }

  get lastSeen(): string | undefined {
    return this.lastEventId;
  }

  start(): void {
    this.stopped = false;
    window.addEventListener("online", this.onOnline);
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener("online", this.onOnline);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "bye");
  }

  private onOnline = () => {
    // The network is back: try now instead of waiting out the backoff.
    if (this.stopped || this.ready) return;
    if (this.timer) clearTimeout(this.timer);
    this.failures = 0;
    void this.connect();
  };

  private setStatus(status: LiveStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.opts.onStatus?.(status);
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    let auth: Omit<AuthMessage, "lastEventId"> | null;
    try {
      auth = await this.opts.auth();
    } catch {
      auth = null;
    }
    if (this.stopped) return;
    if (!auth) {
      this.scheduleReconnect();
      return;
    }
    const Impl = this.opts.WebSocketImpl ?? WebSocket;
    let socket: WebSocket;
    try {
      socket = new Impl(this.opts.url ?? liveUrl());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.ready = false;
    socket.onopen = () => {
      const message: AuthMessage = {
        ...auth,
        ...(this.lastEventId ? { lastEventId: this.lastEventId } : {}),
      } as AuthMessage;
      socket.send(JSON.stringify(message));
    };
    socket.onmessage = (message: MessageEvent) => this.onMessage(message);
    socket.onclose = (event?: CloseEvent) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wasReady = this.ready;
      this.ready = false;
      if (this.stopped) return;
      if (event?.code === CLOSE_REFUSED && wasReady) {
        // The access token expired mid-connection: renew it and come back at once.
        void Promise.resolve(this.opts.onAuthError?.("token_expired")).finally(() => {
          if (!this.stopped && !this.timer) this.timer = setTimeout(() => void this.connect(), 0);
        });
        return;
      }
      this.scheduleReconnect();
    };
    socket.onerror = () => {
      // onclose follows and schedules the retry.
    };
  }

  private onMessage(message: MessageEvent): void {
    let parsed: ServerMessage;
    try {
      parsed = JSON.parse(String(message.data)) as ServerMessage;
    } catch {
      return;
    }
    if (parsed.type === "ready") {
      this.ready = true;
      this.failures = 0;
      this.setStatus("connected");
      return;
    }
    if (parsed.type === "reset") {
      this.opts.onReset?.();
      return;
    }
    if (parsed.type === "error") {
      const code = parsed.code;
      void Promise.resolve(this.opts.onAuthError?.(code)).finally(() =>
        this.socket?.close(4000, code ?? "error"),
      );
      return;
    }
    if (parsed.type === "event" && parsed.id) {
      if (this.seen.has(parsed.id)) return;
      this.seen.add(parsed.id);
      if (this.seen.size > 500) this.seen.delete(this.seen.values().next().value as string);
      this.lastEventId = parsed.id;
      this.opts.onEvent(parsed);
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    this.failures += 1;
    const offline =
      (typeof navigator !== "undefined" && navigator.onLine === false) ||
      this.failures >= this.opts.offlineAfter;
    this.setStatus(offline ? "offline" : "reconnecting");
    const delay = backoffDelay(
      this.failures - 1,
      this.opts.baseDelayMs,
      this.opts.maxDelayMs,
      this.opts.random,
    );
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
