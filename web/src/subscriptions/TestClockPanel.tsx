import { useState } from "react";
import { ApiError, errorMessage, subscriptions } from "../api/client";
import type { Subscription } from "../api/types";
import { formatDateTime } from "../lib/time";
import { FormError, TextField } from "../ui/Field";
import { useToast } from "../ui/toast";
import { addStep, CLOCK_STEPS, fromLocalInput, toLocalInput } from "./clock";

interface Props {
  sub: Subscription;
  frozenTime: string;
  zone: string;
  onAdvanced: (sub: Subscription) => void;
}

/** Test mode: moves the subscription's own clock forward, running the renewals and retries due. */
export function TestClockPanel({ sub, frozenTime, zone, onAdvanced }: Props) {
  const toast = useToast();
  const nextDay = () => toLocalInput(addStep(frozenTime, "day"), zone);
  const [target, setTarget] = useState(nextDay);
  // The clock moved: the suggestion follows it, a day on.
  const [suggestedFor, setSuggestedFor] = useState(frozenTime);
  if (suggestedFor !== frozenTime) {
    setSuggestedFor(frozenTime);
    setTarget(nextDay());
  }
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const advance = async (to: string) => {
    setBusy(true);
    setFieldError(undefined);
    setFormError(null);
    try {
      const advanced = await subscriptions.advanceClock(sub.id, to);
      onAdvanced(advanced);
      toast.success(`Clock moved to ${formatDateTime(to, zone)}`);
    } catch (error) {
      if (error instanceof ApiError && error.param?.startsWith("frozenTime"))
        setFieldError(error.message);
      else setFormError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="test-clock-title">
      <h2 id="test-clock-title">Test clock</h2>
      <p>
        This subscription runs on its own clock, frozen at{" "}
        <strong>{formatDateTime(frozenTime, zone)}</strong>. Moving it forward runs the renewals and
        payment retries due until then.
      </p>
      <FormError error={formError} />
      <div className="row" role="group" aria-label="Move the clock forward">
        {CLOCK_STEPS.map(({ step, label }) => (
          <button
            key={step}
            type="button"
            className="btn btn-secondary btn-sm"
            disabled={busy}
            onClick={() => void advance(addStep(frozenTime, step))}
          >
            {label}
          </button>
        ))}
      </div>
      <form
        noValidate
        className="section"
        aria-label="Advance the test clock"
        onSubmit={(event) => {
          event.preventDefault();
          const to = fromLocalInput(target, zone);
          if (!to) setFieldError("Enter a date and time");
          else if (new Date(to).getTime() <= new Date(frozenTime).getTime())
            setFieldError("Choose a time after the clock's");
          else void advance(to);
        }}
      >
        <TextField
          type="datetime-local"
          label="Advance to"
          hint={`Times in ${zone}.`}
          value={target}
          error={fieldError}
          onChange={(event) => setTarget(event.target.value)}
        />
        <button type="submit" className="btn" disabled={busy}>
          {busy ? "Advancing…" : "Advance clock"}
        </button>
      </form>
    </section>
  );
}
