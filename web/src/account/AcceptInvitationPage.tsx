import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearchParams } from "react-router";
import { errorMessage, merchants } from "../api/client";
import { qk } from "../api/keys";
import { usePageTitle } from "../layout/usePageTitle";
import { workspace } from "../workspace/store";
import { FormError } from "../ui/Field";

export function AcceptInvitationPage() {
  usePageTitle("Join a merchant");
  const [params] = useSearchParams();
  const token = params.get("token");
  const navigate = useNavigate();
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  return (
    <section className="auth-card" aria-labelledby="invite-title">
      <h1 id="invite-title">You were invited to a merchant on Expe</h1>
      {!token ? (
        <FormError error="This invitation link has no token. Open the link from the email again." />
      ) : (
        <>
          <FormError error={error} />
          <button
            type="button"
            className="btn btn-block"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                const member = await merchants.acceptInvitation(token);
                await client.invalidateQueries({ queryKey: qk.merchants });
                workspace.setMerchant(member.merchantId);
                navigate("/", { replace: true });
              } catch (failure) {
                setError(errorMessage(failure));
              } finally {
                setBusy(false);
              }
            }}
          >
            Accept invitation
          </button>
        </>
      )}
      <div className="auth-links">
        <Link to="/">Go to the dashboard</Link>
      </div>
    </section>
  );
}
