import { useSyncExternalStore } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { auth, refreshTokens } from "../api/client";
import { qk } from "../api/keys";
import type { TokenPair, User } from "../api/types";
import { browserTimeZone, isValidTimeZone } from "../lib/time";
import { workspace } from "../workspace/store";
import { refreshSession, session } from "./session";
import type { SessionState } from "./session";

export function useSession(): SessionState {
  return useSyncExternalStore(session.subscribe, session.get, session.get);
}

/** At start-up: a stored refresh token becomes a session again, else there is none. */
export async function bootstrapSession(): Promise<void> {
  if (session.get().ready) return;
  if (!session.storedRefreshToken()) {
    session.markReady();
    return;
  }
  await refreshSession(refreshTokens);
  session.markReady();
}

/** The logged-in user, fresh from GET auth/me (the session's copy until it answers). */
export function useMe(): User | null {
  const { user, accessToken } = useSession();
  const query = useQuery({
    queryKey: qk.me,
    queryFn: async () => (await auth.me()).user,
    enabled: !!accessToken,
    staleTime: 60_000,
  });
  return query.data ?? user;
}

export function useTimeZone(): string {
  const me = useMe();
  const zone = me?.timezone;
  return zone && isValidTimeZone(zone) ? zone : browserTimeZone();
}

export function useStartSession() {
  const client = useQueryClient();
  return (pair: TokenPair) => {
    client.clear();
    session.start(pair);
  };
}

export function useLogout() {
  const client = useQueryClient();
  return async () => {
    try {
      await auth.logout();
    } catch {
      // The session may already be gone; forget it here either way.
    }
    session.clear();
    workspace.setMerchant(null);
    client.clear();
  };
}
