// Which merchant and mode the dashboard acts for: sent as Expe-Merchant and Expe-Mode on every
// dashboard request, remembered across reloads.
import type { Mode } from "../api/types";

const MERCHANT_KEY = "expe.merchant";
const MODE_KEY = "expe.mode";

export interface Workspace {
  merchantId: string | null;
  mode: Mode;
}

type Listener = () => void;
const listeners = new Set<Listener>();

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage off: the choice lasts for this tab
  }
}

let state: Workspace = {
  merchantId: read(MERCHANT_KEY),
  mode: read(MODE_KEY) === "live" ? "live" : "test",
};

function emit(next: Partial<Workspace>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export const workspace = {
  get: (): Workspace => state,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  setMerchant(merchantId: string | null): void {
    write(MERCHANT_KEY, merchantId);
    emit({ merchantId });
  },
  setMode(mode: Mode): void {
    write(MODE_KEY, mode);
    emit({ mode });
  },
  resetForTests(): void {
    state = { merchantId: read(MERCHANT_KEY), mode: read(MODE_KEY) === "live" ? "live" : "test" };
  },
};
