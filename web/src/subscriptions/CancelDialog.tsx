import { useState } from "react";
import { subscriptions } from "../api/client";
import type { Subscription } from "../api/types";
import { formatDateTime } from "../lib/time";
import { ConfirmActions } from "../ui/ConfirmActions";
import { Modal } from "../ui/Modal";

interface Props {
  sub: Subscription;
  zone: string;
  onClose: () => void;
  onCanceled: (sub: Subscription) => void;
}

/** Cancel now, or let the paid period run out first. Mounted while open, so it starts afresh. */
export function CancelDialog({ sub, zone, onClose, onCanceled }: Props) {
  // Already ending at the period's end: what is left to choose is now.
  const [atPeriodEnd, setAtPeriodEnd] = useState(!sub.cancelAtPeriodEnd);
  const end = formatDateTime(sub.currentPeriodEnd, zone);
  return (
    <Modal open title="Cancel this subscription?" onClose={onClose}>
      <fieldset>
        <legend>When</legend>
        <div className="check">
          <input
            type="radio"
            id="cancel-at-end"
            name="cancel-when"
            checked={atPeriodEnd}
            disabled={sub.cancelAtPeriodEnd}
            onChange={() => setAtPeriodEnd(true)}
          />
          <label htmlFor="cancel-at-end">At the end of the current period ({end})</label>
        </div>
        <div className="check">
          <input
            type="radio"
            id="cancel-now"
            name="cancel-when"
            checked={!atPeriodEnd}
            onChange={() => setAtPeriodEnd(false)}
          />
          <label htmlFor="cancel-now">Now: no more charges, and it ends today</label>
        </div>
      </fieldset>
      <p className="muted small">
        {atPeriodEnd
          ? "The customer keeps what they paid for until then; nothing renews after."
          : "This cannot be undone."}
      </p>
      <ConfirmActions
        confirmLabel="Cancel subscription"
        done={atPeriodEnd ? `The subscription ends on ${end}` : "Subscription canceled"}
        action={async () => onCanceled(await subscriptions.cancel(sub.id, atPeriodEnd))}
        onDone={onClose}
        onKeep={onClose}
      />
    </Modal>
  );
}
