import { Link, Outlet } from "react-router";
import { ThemeToggle } from "../ui/ThemeToggle";
import { OfflineBanner } from "../ui/useOnline";
import { Logo } from "./Logo";

export function PublicLayout() {
  return (
    <div className="public">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="public-header">
        <Link to="/" aria-label="Expe home" className="logo-link">
          <Logo />
        </Link>
        <ThemeToggle />
      </header>
      <OfflineBanner />
      <main id="main" className="public-main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="public-footer muted">Expe · open-source payments</footer>
    </div>
  );
}
