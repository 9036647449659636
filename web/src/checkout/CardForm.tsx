import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import type { CheckoutPayment } from "../api/types";
import { formatMoney } from "../lib/money";
import { FormError, TextField } from "../ui/Field";
import {
  brandOf,
  digitsOnly,
  expiryInFuture,
  formatCardNumber,
  luhnValid,
  parseExpiry,
  SANDBOX_CARDS,
} from "./card";

const schema = z.object({
  number: z.string().refine(luhnValid, "Enter a valid card number"),
  expiry: z
    .string()
    .refine((value) => parseExpiry(value) !== null, "Enter the expiry as MM/YY")
    .refine((value) => {
      const parsed = parseExpiry(value);
      return parsed === null || expiryInFuture(parsed);
    }, "This card has expired"),
  cvc: z.string().regex(/^\d{3,4}$/, "Enter the 3 or 4 digit security code"),
});
type Values = z.infer<typeof schema>;

interface Props {
  payment: CheckoutPayment;
  error: string | null;
  onPay: (card: {
    number: string;
    expMonth: number;
    expYear: number;
    cvc: string;
  }) => Promise<void>;
}

export function CardForm({ payment, error, onPay }: Props) {
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { number: "", expiry: "", cvc: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const number = useWatch({ control: form.control, name: "number" });
  const brand = brandOf(number);
  const numberField = form.register("number");
  return (
    <form
      noValidate
      aria-label="Pay by card"
      onSubmit={form.handleSubmit(async (values) => {
        const expiry = parseExpiry(values.expiry);
        if (!expiry) return;
        await onPay({
          number: digitsOnly(values.number),
          expMonth: expiry.month,
          expYear: expiry.year,
          cvc: values.cvc,
        });
      })}
    >
      <FormError error={error} />
      <TextField
        label="Card number"
        inputMode="numeric"
        autoComplete="cc-number"
        placeholder="1234 1234 1234 1234"
        hint={brand ?? undefined}
        error={errors.number?.message}
        {...numberField}
        onChange={(event) => {
          event.target.value = formatCardNumber(event.target.value);
          void numberField.onChange(event);
        }}
      />
      <div className="form-grid">
        <TextField
          label="Expiry (MM/YY)"
          inputMode="numeric"
          autoComplete="cc-exp"
          placeholder="MM/YY"
          error={errors.expiry?.message}
          {...form.register("expiry")}
        />
        <TextField
          label="Security code (CVC)"
          inputMode="numeric"
          autoComplete="cc-csc"
          placeholder="123"
          maxLength={4}
          error={errors.cvc?.message}
          {...form.register("cvc")}
        />
      </div>
      <button type="submit" className="btn btn-block" disabled={isSubmitting}>
        {isSubmitting ? "Processing…" : `Pay ${formatMoney(payment.amount, payment.currency)}`}
      </button>
      {payment.mode !== "live" && (
        <details className="section test-cards">
          <summary>Test cards</summary>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {SANDBOX_CARDS.map((card) => (
                <tr key={card.number}>
                  <td>
                    <button
                      type="button"
                      className="btn-link mono"
                      onClick={() => form.setValue("number", card.number, { shouldValidate: true })}
                    >
                      {card.number}
                    </button>
                  </td>
                  <td>{card.outcome}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small">Any future expiry date and any 3 digits for the CVC.</p>
        </details>
      )}
    </form>
  );
}
