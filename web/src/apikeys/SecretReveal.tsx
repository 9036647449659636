import { CopyButton } from "../ui/CopyButton";

/** A secret shown this once: the API never returns it again. */
export function SecretReveal({ label, secret }: { label: string; secret: string }) {
  return (
    <div className="stack">
      <div className="alert alert-warning" role="note">
        Copy this {label.toLowerCase()} now and keep it somewhere safe: it will not be shown again.
      </div>
      <div className="secret-box">
        <code data-testid="revealed-secret" aria-label={label}>
          {secret}
        </code>
        <CopyButton value={secret} label={label} />
      </div>
    </div>
  );
}
