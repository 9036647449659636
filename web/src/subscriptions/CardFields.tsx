import type { FieldErrors, UseFormReturn } from "react-hook-form";
import { formatCardNumber } from "../checkout/card";
import { TextField } from "../ui/Field";
import type { SubscriptionForm } from "./subscriptionForm";

interface Props {
  form: UseFormReturn<SubscriptionForm>;
  errors: FieldErrors<SubscriptionForm>;
  testMode: boolean;
}

/** The card the subscription charges: saved first, so its number is sent once. */
export function CardFields({ form, errors, testMode }: Props) {
  const number = form.register("number");
  return (
    <fieldset>
      <legend>Card</legend>
      {testMode && (
        <p className="hint">
          Test mode: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. Any future
          expiry and any 3 digits for the CVC.
        </p>
      )}
      <TextField
        label="Card number"
        inputMode="numeric"
        autoComplete="off"
        placeholder="1234 1234 1234 1234"
        error={errors.number?.message}
        {...number}
        onChange={(event) => {
          event.target.value = formatCardNumber(event.target.value);
          void number.onChange(event);
        }}
      />
      <div className="form-grid">
        <TextField
          label="Expiry (MM/YY)"
          inputMode="numeric"
          autoComplete="off"
          placeholder="MM/YY"
          error={errors.expiry?.message}
          {...form.register("expiry")}
        />
        <TextField
          label="Security code (CVC)"
          inputMode="numeric"
          autoComplete="off"
          placeholder="123"
          maxLength={4}
          error={errors.cvc?.message}
          {...form.register("cvc")}
        />
      </div>
    </fieldset>
  );
}
