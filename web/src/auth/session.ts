// The session: the access token lives in memory only, the refresh token in localStorage so a
// reload or a new tab keeps the user logged in. Refresh tokens rotate on every use and a used
// one signs the whole session out, so only one refresh runs at a time, across tabs too.
import type { TokenPair, User } from "../api/types";

const REFRESH_KEY = "expe.refreshToken";

export interface SessionState {
  accessToken: string | null;
  user: User | null;
  /** false until the first refresh attempt at start-up has finished. */
  ready: boolean;
}

type Listener = () => void;

let state: SessionState = { accessToken: null, user: null, ready: false };
const listeners = new Set<Listener>();
let refreshing: Promise<boolean> | null = null;

function emit(next: Partial<SessionState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export const session = {
  get: (): SessionState => state,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  accessToken: (): string | null => state.accessToken,
  storedRefreshToken(): string | null {
    try {
      return localStorage.getItem(REFRESH_KEY);
    } catch {
      return null;
    }
  },
  start(pair: TokenPair): void {
    try {
      localStorage.setItem(REFRESH_KEY, pair.refreshToken);
    } catch {
      // Storage may be off (private mode): the session then lasts as long as the tab.
    }
    emit({ accessToken: pair.accessToken, user: pair.user, ready: true });
  },
  setUser(user: User): void {
    emit({ user });
  },
  markReady(): void {
    if (!state.ready) emit({ ready: true });
  },
  clear(): void {
    try {
      localStorage.removeItem(REFRESH_KEY);
    } catch {
      // nothing stored
    }
    emit({ accessToken: null, user: null, ready: true });
  },
};

type Refresher = (refreshToken: string) => Promise<TokenPair>;

async function withLock<T>(run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? navigator.locks : undefined;
  if (locks?.request) return locks.request("expe-refresh", run) as Promise<T>;
  return run();
}

/**
 * Exchanges the stored refresh token for a new pair. Concurrent callers share one request;
 * other tabs wait on a Web Lock and read the token the winner stored.
 */
export function refreshSession(refresher: Refresher): Promise<boolean> {
  if (refreshing) return refreshing;
  const tokenBefore = state.accessToken;
  refreshing = withLock(async () => {
    // Another tab may have refreshed while we waited for the lock; its token is in storage.
    const token = session.storedRefreshToken();
    if (!token) {
      session.clear();
      return false;
    }
    if (state.accessToken !== tokenBefore && state.accessToken) return true;
    try {
      session.start(await refresher(token));
      return true;
    } catch (error) {
      if (isUnauthenticated(error)) session.clear();
      else session.markReady();
      return false;
    }
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function isUnauthenticated(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { status?: number }).status === 401
  );
}

/** Another tab logging out removes the refresh token: follow it. */
export function followOtherTabs(): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === REFRESH_KEY && event.newValue === null && state.accessToken) {
      emit({ accessToken: null, user: null, ready: true });
    }
  };
  window.addEventListener("storage", onStorage);
  return () => window.removeEventListener("storage", onStorage);
}

export function resetSessionForTests(): void {
  state = { accessToken: null, user: null, ready: false };
  refreshing = null;
  listeners.clear();
}
