import type { UseFormRegisterReturn } from "react-hook-form";
import { TextField } from "../ui/Field";
import type { CardText } from "./card";
import { formatCardNumber } from "./card";

interface Props {
  register: Record<keyof CardText, UseFormRegisterReturn>;
  errors: Partial<Record<keyof CardText, string>>;
  /** The customer's own card on the checkout: the browser may fill it in. A card typed in the
   * dashboard is someone else's, so nothing is offered there. */
  autofill: boolean;
  numberHint?: string;
}

/** Number (grouped by fours as it is typed), expiry and security code of a card. */
export function CardInputs({ register, errors, autofill, numberHint }: Props) {
  const number = register.number;
  return (
    <>
      <TextField
        label="Card number"
        inputMode="numeric"
        autoComplete={autofill ? "cc-number" : "off"}
        placeholder="1234 1234 1234 1234"
        hint={numberHint}
        error={errors.number}
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
          autoComplete={autofill ? "cc-exp" : "off"}
          placeholder="MM/YY"
          error={errors.expiry}
          {...register.expiry}
        />
        <TextField
          label="Security code (CVC)"
          inputMode="numeric"
          autoComplete={autofill ? "cc-csc" : "off"}
          placeholder="123"
          maxLength={4}
          error={errors.cvc}
          {...register.cvc}
        />
      </div>
    </>
  );
}
