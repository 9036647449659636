import { SignatureForm } from "./SignatureForm";

export function VerifyTab() {
  return (
    <section aria-labelledby="verify-title" className="card">
      <h2 id="verify-title">Check a webhook signature</h2>
      <p className="muted">
        Paste what your server received; Expe checks it the way a receiver should and says why it
        fails.
      </p>
      <SignatureForm />
    </section>
  );
}
