import { useState } from "react";
import { errorMessage, subscriptions } from "../api/client";
import type { Subscription } from "../api/types";
import { useToast } from "../ui/toast";
import { CancelDialog } from "./CancelDialog";
import { ChangePlanDialog } from "./ChangePlanDialog";

interface Props {
  sub: Subscription;
  zone: string;
  onChanged: (sub: Subscription) => void;
}

// Only a subscription running normally pauses; a past-due one is canceled or recovered.
const PAUSABLE = ["trialing", "active"];

/** What can be done to the subscription as it stands: change plan, pause or resume, cancel. */
export function SubscriptionActions({ sub, zone, onChanged }: Props) {
  const toast = useToast();
  const [dialog, setDialog] = useState<"cancel" | "plan" | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => setDialog(null);

  const run = async (action: () => Promise<Subscription>, done: string) => {
    setBusy(true);
    try {
      onChanged(await action());
      toast.success(done);
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="row">
      {(sub.status === "active" || sub.status === "trialing") && (
        <button type="button" className="btn btn-secondary" onClick={() => setDialog("plan")}>
          Change plan
        </button>
      )}
      {PAUSABLE.includes(sub.status) && (
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy}
          onClick={() => void run(() => subscriptions.pause(sub.id), "Subscription paused")}
        >
          Pause
        </button>
      )}
      {sub.status === "paused" && (
        <button
          type="button"
          className="btn"
          disabled={busy}
          onClick={() => void run(() => subscriptions.resume(sub.id), "Subscription resumed")}
        >
          Resume
        </button>
      )}
      {sub.status !== "canceled" && (
        <button type="button" className="btn btn-danger" onClick={() => setDialog("cancel")}>
          Cancel
        </button>
      )}
      {dialog === "cancel" && (
        <CancelDialog sub={sub} zone={zone} onClose={close} onCanceled={onChanged} />
      )}
      {dialog === "plan" && (
        <ChangePlanDialog
          sub={sub}
          onClose={close}
          onChanged={(changed) => {
            onChanged(changed);
            toast.success(`Moved to ${changed.plan.name}`);
            close();
          }}
        />
      )}
    </div>
  );
}
