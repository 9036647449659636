import type { FieldErrors, UseFormReturn } from "react-hook-form";
import { CardInputs } from "../checkout/CardInputs";
import type { SubscriptionForm } from "./subscriptionForm";

interface Props {
  form: UseFormReturn<SubscriptionForm>;
  errors: FieldErrors<SubscriptionForm>;
  testMode: boolean;
}

/** The card the subscription charges: saved first, so its number is sent once. */
export function CardFields({ form, errors, testMode }: Props) {
  return (
    <fieldset>
      <legend>Card</legend>
      {testMode && (
        <p className="hint">
          Test mode: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined. Any future
          expiry and any 3 digits for the CVC.
        </p>
      )}
      <CardInputs
        register={{
          number: form.register("number"),
          expiry: form.register("expiry"),
          cvc: form.register("cvc"),
        }}
        errors={{
          number: errors.number?.message,
          expiry: errors.expiry?.message,
          cvc: errors.cvc?.message,
        }}
        autofill={false}
      />
    </fieldset>
  );
}
