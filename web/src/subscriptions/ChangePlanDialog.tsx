import { useState } from "react";
import { Link } from "react-router";
import { errorMessage, subscriptions } from "../api/client";
import type { Subscription } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { FormError, SelectField } from "../ui/Field";
import { Modal } from "../ui/Modal";
import { CardSkeleton } from "../ui/Skeleton";
import { priceLabel } from "./labels";
import { usePlans } from "./usePlans";

interface Props {
  sub: Subscription;
  onClose: () => void;
  onChanged: (sub: Subscription) => void;
}

/** Moves the subscription to another plan of its currency; the API prorates (and may charge). */
function ChangePlanForm({ sub, onClose, onChanged }: Props) {
  const plans = usePlans();
  const keys = useIdempotencyKey();
  const [chosen, setChosen] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (plans.isPending) return <CardSkeleton />;
  if (plans.isError) return <FormError error={errorMessage(plans.error)} />;
  const choices = plans.data.data.filter(
    (plan) => plan.currency === sub.plan.currency && plan.id !== sub.planId,
  );
  if (choices.length === 0) {
    return (
      <p>
        No other plan in {sub.plan.currency}. <Link to="/subscriptions/plans">Create a plan</Link>
      </p>
    );
  }
  const planId = chosen || choices[0]!.id;

  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          const changed = await subscriptions.changePlan(sub.id, planId, keys.keyFor(planId));
          keys.settle();
          onChanged(changed);
        } catch (failure) {
          keys.settle(failure);
          setError(errorMessage(failure));
        } finally {
          setBusy(false);
        }
      }}
    >
      <p>
        Now on {sub.plan.name} ({priceLabel(sub.plan)}). The change is prorated: the unused part of
        this period counts towards the new plan, and any difference is charged to the card now.
      </p>
      <FormError error={error} />
      <SelectField label="New plan" value={planId} onChange={(e) => setChosen(e.target.value)}>
        {choices.map((plan) => (
          <option key={plan.id} value={plan.id}>
            {plan.name} ({priceLabel(plan)})
          </option>
        ))}
      </SelectField>
      <div className="modal-actions">
        <button type="button" className="btn btn-secondary" onClick={onClose}>
          Keep the current plan
        </button>
        <button type="submit" className="btn" disabled={busy}>
          {busy ? "Changing…" : "Change plan"}
        </button>
      </div>
    </form>
  );
}

/** Mounted while open, so each opening starts afresh. */
export function ChangePlanDialog(props: Props) {
  return (
    <Modal open title="Change plan" onClose={props.onClose}>
      <ChangePlanForm {...props} />
    </Modal>
  );
}
