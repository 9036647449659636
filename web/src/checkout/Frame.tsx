// The page around what a customer sees: the hosted checkout and a payment link's page.
import type { ReactNode } from "react";
import { Logo } from "../layout/Logo";
import { usePageTitle } from "../layout/usePageTitle";
import { ThemeToggle } from "../ui/ThemeToggle";
import { OfflineBanner } from "../ui/useOnline";

export function Frame({ children, title }: { children: ReactNode; title: string }) {
  usePageTitle(title);
  return (
    <div className="checkout">
      <header className="public-header checkout-top">
        <Logo size={24} />
        <ThemeToggle />
      </header>
      <OfflineBanner />
      <main id="main" className="checkout-card">
        {children}
      </main>
      <footer className="checkout-foot muted">
        Secured by Expe · Your card details go straight to the payment processor.
      </footer>
    </div>
  );
}

export function ResultIcon({ ok }: { ok: boolean }) {
  return (
    <svg
      className={`result-icon ${ok ? "result-ok" : "result-fail"}`}
      viewBox="0 0 64 64"
      aria-hidden="true"
    >
      <circle cx="32" cy="32" r="29" fill="none" stroke="currentColor" strokeWidth="4" />
      {ok ? (
        <path
          d="M19 33l9 9 17-19"
          fill="none"
          stroke="currentColor"
          strokeWidth="5"
          strokeLinecap="round"
        />
      ) : (
        <path
          d="M22 22l20 20M42 22L22 42"
          fill="none"
          stroke="currentColor"
          strokeWidth="5"
          strokeLinecap="round"
        />
      )}
    </svg>
  );
}
