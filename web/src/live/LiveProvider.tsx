import { createContext, useContext, useEffect, useRef, useState } from "react";
import type { ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { QueryClient } from "@tanstack/react-query";
import { refreshTokens } from "../api/client";
import { refreshSession, session } from "../auth/session";
import { LiveConnection } from "./connection";
import type { LiveEvent, LiveStatus } from "./connection";

interface LiveContextValue {
  status: LiveStatus;
  /** Subscribe to every event (pages use it for highlights). */
  subscribe: (listener: (event: LiveEvent) => void) => () => void;
}

const LiveContext = createContext<LiveContextValue>({
  status: "offline",
  subscribe: () => () => undefined,
});

/** What each event makes stale in the query cache. */
export function invalidateFor(client: QueryClient, event: LiveEvent): void {
  const paymentId = typeof event.data.paymentId === "string" ? event.data.paymentId : undefined;
  if (event.event.startsWith("payment.") || event.event === "refund.issued") {
    void client.invalidateQueries({ queryKey: ["payments"] });
    void client.invalidateQueries({ queryKey: ["overview"] });
    void client.invalidateQueries({ queryKey: ["payment-links"] });
    if (paymentId) {
      void client.invalidateQueries({ queryKey: ["payment", paymentId] });
      void client.invalidateQueries({ queryKey: ["payment-webhooks", paymentId] });
    }
    if (event.event === "refund.issued" || event.event === "payment.completed") {
      void client.invalidateQueries({ queryKey: ["wallets"] });
    }
  }
  if (event.event === "webhook.attempt") {
    void client.invalidateQueries({ queryKey: ["webhook-attempts"] });
    void client.invalidateQueries({ queryKey: ["webhook-endpoints"] });
    if (paymentId) void client.invalidateQueries({ queryKey: ["payment-webhooks", paymentId] });
  }
}

const RESET_KEYS = [
  "payments",
  "payment",
  "payment-links",
  "payment-webhooks",
  "overview",
  "webhook-attempts",
  "wallets",
];
const NOT_TOKEN_ERRORS = new Set([
  "invalid_hello",
  "permission_denied",
  "role_required",
  "invalid_request",
]);

interface Props {
  merchantId: string | null;
  mode: string;
  children: ReactNode;
}

export function LiveProvider({ merchantId, mode, children }: Props) {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const listeners = useRef(new Set<(event: LiveEvent) => void>());
  const [value] = useState<Pick<LiveContextValue, "subscribe">>(() => ({
    subscribe(listener) {
      listeners.current.add(listener);
      return () => listeners.current.delete(listener);
    },
  }));

  useEffect(() => {
    if (!merchantId) return;
    const connection = new LiveConnection({
      auth: async () => {
        const accessToken = session.accessToken();
        if (!accessToken) return null;
        return { type: "auth", accessToken, merchantId, mode };
      },
      onEvent(event) {
        invalidateFor(client, event);
        for (const listener of listeners.current) listener(event);
      },
      onStatus: setStatus,
      onReset() {
        // Events were missed while away: everything the socket keeps fresh is read again.
        for (const key of RESET_KEYS) void client.invalidateQueries({ queryKey: [key] });
      },
      async onAuthError(code) {
        // A refused or expired access token: renew it before the next attempt.
        if (!NOT_TOKEN_ERRORS.has(code ?? "")) await refreshSession(refreshTokens);
      },
    });
    connection.start();
    return () => connection.stop();
  }, [client, merchantId, mode]);

  return (
    <LiveContext.Provider value={{ status, subscribe: value.subscribe }}>
      {children}
    </LiveContext.Provider>
  );
}

export function useLive(): LiveContextValue {
  return useContext(LiveContext);
}

/** Poll every `ms` while the live connection is not up (the fallback), else not at all. */
export function usePollWhenOffline(ms: number): number | false {
  const { status } = useLive();
  return status === "connected" ? false : ms;
}

const LABELS: Record<LiveStatus, string> = {
  connecting: "Connecting…",
  connected: "Live",
  reconnecting: "Reconnecting…",
  offline: "Live updates offline",
};

export function LiveStatusIndicator() {
  const { status } = useLive();
  return (
    <span
      className={`live live-${status}`}
      role="status"
      aria-live="polite"
      title={
        status === "offline"
          ? "Live updates are off; pages refresh every few seconds instead."
          : undefined
      }
    >
      <span className="live-dot" aria-hidden="true" />
      <span className="live-label">{LABELS[status]}</span>
    </span>
  );
}
