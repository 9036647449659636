import { useEffect, useMemo, useState } from "react";
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from "react-router";
import { useLogout, useMe } from "../auth/hooks";
import { LiveProvider, LiveStatusIndicator } from "../live/LiveProvider";
import { ThemeToggle } from "../ui/ThemeToggle";
import { toggleTheme } from "../ui/theme";
import { OfflineBanner } from "../ui/useOnline";
import { useMerchants, useWorkspace } from "../workspace/hooks";
import { workspace } from "../workspace/store";
import { Logo } from "./Logo";
import { PageSkeleton } from "./PageSkeleton";
import { shortcutListener } from "./shortcuts";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { LoadFailed } from "../ui/EmptyState";

const NAV = [
  { to: "/", label: "Overview", icon: "M3 10l7-6 7 6v7H3z", end: true },
  { to: "/transactions", label: "Transactions", icon: "M3 5h14M3 10h14M3 15h9" },
  { to: "/analytics", label: "Analytics", icon: "M3 17h14M5 14V9M9 14V4M13 14v-3M17 14V7" },
  {
    to: "/disputes",
    label: "Disputes",
    icon: "M10 2.5l6.5 2.5v4.5c0 4-2.8 6.7-6.5 8-3.7-1.3-6.5-4-6.5-8V5zM10 6.5v4.5M10 13.5v.5",
  },
  {
    to: "/payment-links",
    label: "Payment links",
    icon: "M8.5 11.5a3 3 0 0 0 4.2 0l2.8-2.8a3 3 0 0 0-4.2-4.2l-1 1M11.5 8.5a3 3 0 0 0-4.2 0l-2.8 2.8a3 3 0 0 0 4.2 4.2l1-1",
  },
  {
    to: "/subscriptions",
    label: "Subscriptions",
    icon: "M15.5 8A6 6 0 0 0 4.6 6.5M4.5 12a6 6 0 0 0 10.9 1.5M4 3v4h4M16 17v-4h-4",
  },
  {
    to: "/webhooks",
    label: "Webhooks",
    icon: "M6 14a3 3 0 1 1 0-.01M14 14a3 3 0 1 1 0-.01M10 5a3 3 0 1 1 0-.01M9 8l-2 4M11 8l2 4M8 14h4",
  },
  { to: "/wallet", label: "Wallet", icon: "M3 6h12a2 2 0 0 1 2 2v7H3zM3 6l10-3v3" },
  {
    to: "/settings",
    label: "Settings",
    icon: "M10 7a3 3 0 1 0 0 6 3 3 0 0 0 0-6zM10 2v2M10 16v2M2 10h2M16 10h2M4.3 4.3l1.4 1.4M14.3 14.3l1.4 1.4M4.3 15.7l1.4-1.4M14.3 5.7l1.4-1.4",
  },
];

function MerchantSwitcher() {
  const { data } = useMerchants();
  const { merchantId } = useWorkspace();
  const navigate = useNavigate();
  if (!data) return null;
  return (
    <div className="switcher">
      <label htmlFor="merchant-switcher" className="visually-hidden">
        Merchant
      </label>
      <select
        id="merchant-switcher"
        value={merchantId ?? ""}
        onChange={(event) => {
          if (event.target.value === "__new") navigate("/onboarding?new=1");
          else workspace.setMerchant(event.target.value);
        }}
      >
        {data.map((merchant) => (
          <option key={merchant.id} value={merchant.id}>
            {merchant.name}
          </option>
        ))}
        <option value="__new">+ New merchant…</option>
      </select>
    </div>
  );
}

function ModeToggle() {
  const { mode } = useWorkspace();
  const test = mode === "test";
  return (
    <button
      type="button"
      role="switch"
      aria-checked={test}
      className={`mode-toggle ${test ? "is-test" : "is-live"}`}
      onClick={() => workspace.setMode(test ? "live" : "test")}
    >
      <span className="mode-track" aria-hidden="true">
        <span className="mode-thumb" />
      </span>
      Test mode
    </button>
  );
}

export function DashboardLayout() {
  const merchants = useMerchants();
  const { merchantId, mode } = useWorkspace();
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  const location = useLocation();
  const [helpOpen, setHelpOpen] = useState(false);
  // The menu (narrow screens) is open for the page it was opened on: navigating closes it.
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const menuOpen = menuFor === location.pathname;

  const list = merchants.data;
  const selected = useMemo(
    () => list?.find((m) => m.id === merchantId) ?? list?.[0] ?? null,
    [list, merchantId],
  );

  useEffect(() => {
    if (selected && selected.id !== merchantId) workspace.setMerchant(selected.id);
  }, [selected, merchantId]);

  useEffect(() => {
    const listener = shortcutListener({
      go: (path) => navigate(path),
      search: () => document.querySelector<HTMLInputElement>("input[type=search]")?.focus(),
      help: () => setHelpOpen(true),
      toggleMode: () => workspace.setMode(workspace.get().mode === "test" ? "live" : "test"),
      toggleTheme,
    });
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, [navigate]);

  if (merchants.isPending) return <PageSkeleton />;
  if (merchants.isError) {
    return (
      <main id="main" className="page">
        <h1>Expe</h1>
        <LoadFailed
          title="The dashboard could not load your merchants"
          error={merchants.error}
          retry={merchants.refetch}
        />
      </main>
    );
  }
  // A cached empty list may be stale (a merchant was just created): wait for the fresh one.
  if ((!list || list.length === 0) && merchants.isFetching) return <PageSkeleton />;
  if (!list || list.length === 0) return <Navigate to="/onboarding" replace />;
  if (!selected || selected.id !== merchantId) return <PageSkeleton />;

  return (
    <LiveProvider merchantId={selected.id} mode={mode}>
      <div className={`shell ${menuOpen ? "menu-open" : ""}`}>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <aside className="sidebar" aria-label="Sidebar">
          <div className="sidebar-head">
            <NavLink to="/" className="logo-link" aria-label="Expe overview">
              <Logo />
            </NavLink>
          </div>
          <nav aria-label="Main" id="main-nav">
            <ul>
              {NAV.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end} className="nav-link">
                    <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
                      <path
                        d={item.icon}
                        fill="none"
                        stroke="currentColor"
                        strokeWidth="1.6"
                        strokeLinejoin="round"
                      />
                    </svg>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
          <div className="sidebar-foot">
            <button type="button" className="btn-link" onClick={() => setHelpOpen(true)}>
              Keyboard shortcuts <kbd>?</kbd>
            </button>
          </div>
        </aside>
        {menuOpen && (
          <div className="menu-backdrop" aria-hidden="true" onClick={() => setMenuFor(null)} />
        )}
        <div className="content">
          <header className="topbar">
            <button
              type="button"
              className="btn-icon menu-button"
              aria-expanded={menuOpen}
              aria-controls="main-nav"
              onClick={() => setMenuFor(menuOpen ? null : location.pathname)}
            >
              <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">
                <path d="M3 5h14M3 10h14M3 15h14" stroke="currentColor" strokeWidth="1.8" />
              </svg>
              <span className="visually-hidden">Menu</span>
            </button>
            <MerchantSwitcher />
            <ModeToggle />
            <div className="topbar-end">
              <LiveStatusIndicator />
              <ThemeToggle />
              <span className="user-name" title={me?.email}>
                {me?.name}
              </span>
              <button
                type="button"
                className="btn btn-secondary btn-sm"
                onClick={async () => {
                  await logout();
                  navigate("/login", { replace: true });
                }}
              >
                Log out
              </button>
            </div>
          </header>
          {mode === "test" && (
            <div className="test-banner" role="note">
              Test mode: you are viewing test data. Nothing here moves real money.
            </div>
          )}
          <OfflineBanner />
          <main id="main" tabIndex={-1}>
            <Outlet />
          </main>
        </div>
        <ShortcutsHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
      </div>
    </LiveProvider>
  );
}
