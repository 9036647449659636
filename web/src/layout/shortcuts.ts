// Keyboard shortcuts: "g" then a letter goes somewhere, "/" focuses the page's search, "?" shows
// the list. Keys typed into a field are left alone.

export interface Shortcut {
  keys: string;
  description: string;
}

export const GO_TO: Record<string, { path: string; label: string }> = {
  o: { path: "/", label: "Overview" },
  t: { path: "/transactions", label: "Transactions" },
  a: { path: "/analytics", label: "Analytics" },
  d: { path: "/disputes", label: "Disputes" },
  p: { path: "/payment-links", label: "Payment links" },
  u: { path: "/subscriptions", label: "Subscriptions" },
  w: { path: "/webhooks", label: "Webhooks" },
  l: { path: "/wallet", label: "Wallet" },
  s: { path: "/settings", label: "Settings" },
  k: { path: "/settings/api-keys", label: "API keys" },
};

export const SHORTCUTS: Shortcut[] = [
  ...Object.entries(GO_TO).map(([key, { label }]) => ({
    keys: `g ${key}`,
    description: `Go to ${label}`,
  })),
  { keys: "/", description: "Search (on pages with a search box)" },
  { keys: "m", description: "Switch between test and live mode" },
  { keys: "d", description: "Switch between light and dark theme" },
  { keys: "?", description: "Show these shortcuts" },
  { keys: "Esc", description: "Close a dialog" },
];

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

export interface ShortcutHandlers {
  go: (path: string) => void;
  search: () => void;
  help: () => void;
  toggleMode: () => void;
  toggleTheme: () => void;
}

/** A keydown handler with the "g" prefix state; returns the listener to attach. */
export function shortcutListener(handlers: ShortcutHandlers): (event: KeyboardEvent) => void {
  let pendingG = 0;
  return (event) => {
    if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
    if (isTyping(event.target)) return;
    if (document.querySelector("dialog[open]")) return;
    const key = event.key;
    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      const target = GO_TO[key.toLowerCase()];
      if (target) {
        event.preventDefault();
        handlers.go(target.path);
      }
      return;
    }
    pendingG = 0;
    if (key === "g") pendingG = Date.now();
    else if (key === "/") {
      event.preventDefault();
      handlers.search();
    } else if (key === "?") {
      event.preventDefault();
      handlers.help();
    } else if (key === "m") handlers.toggleMode();
    else if (key === "d") handlers.toggleTheme();
  };
}
