import type { ReactNode } from "react";
import { errorMessage } from "../api/client";

export type Illustration =
  "payments" | "webhooks" | "keys" | "wallet" | "search" | "chart" | "error";

function Art({ kind }: { kind: Illustration }) {
  const common = {
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round" as const,
  };
  return (
    <svg className="empty-art" viewBox="0 0 120 90" width="120" height="90" aria-hidden="true">
      <ellipse cx="60" cy="80" rx="42" ry="6" className="empty-shadow" />
      {kind === "payments" && (
        <g {...common}>
          <rect x="22" y="20" width="76" height="48" rx="8" />
          <path d="M22 34h76M32 54h20M32 60h12" />
          <circle cx="84" cy="56" r="6" />
        </g>
      )}
      {kind === "webhooks" && (
        <g {...common}>
          <circle cx="36" cy="56" r="9" />
          <circle cx="84" cy="56" r="9" />
          <circle cx="60" cy="24" r="9" />
          <path d="M55 32L41 48M65 32l14 16M45 56h30" />
        </g>
      )}
      {kind === "keys" && (
        <g {...common}>
          <circle cx="42" cy="44" r="14" />
          <path d="M56 44h40M84 44v12M92 44v8" />
        </g>
      )}
      {kind === "wallet" && (
        <g {...common}>
          <rect x="24" y="24" width="72" height="46" rx="8" />
          <path d="M24 34h60a8 8 0 0 1 8 8v6H76a6 6 0 0 1 0-12" />
          <circle cx="78" cy="42" r="2" />
        </g>
      )}
      {kind === "search" && (
        <g {...common}>
          <circle cx="54" cy="42" r="18" />
          <path d="M67 55l16 16" />
        </g>
      )}
      {kind === "chart" && (
        <g {...common}>
          <path d="M24 70V20M24 70h74" />
          <path d="M32 60l16-14 14 8 24-24" />
        </g>
      )}
      {kind === "error" && (
        <g {...common}>
          <path d="M60 18l38 58H22z" />
          <path d="M60 40v16M60 64v1" />
        </g>
      )}
    </svg>
  );
}

interface Props {
  illustration: Illustration;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}

export function EmptyState({ illustration, title, children, action }: Props) {
  return (
    <div className="empty">
      <Art kind={illustration} />
      <p className="empty-title">{title}</p>
      {children && <div className="empty-text">{children}</div>}
      {action && <div className="empty-action">{action}</div>}
    </div>
  );
}

/** What a page shows when its data could not be loaded: why, and a button to try again. */
export function LoadFailed({
  title,
  error,
  retry,
}: {
  title: string;
  error: unknown;
  retry: () => unknown;
}) {
  return (
    <EmptyState
      illustration="error"
      title={title}
      action={
        <button type="button" className="btn" onClick={() => void retry()}>
          Try again
        </button>
      }
    >
      <p>{errorMessage(error)}</p>
    </EmptyState>
  );
}
