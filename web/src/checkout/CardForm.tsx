import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import type { CheckoutPayment } from "../api/types";
import { formatMoney } from "../lib/money";
import { FormError } from "../ui/Field";
import { brandOf, checkCard, SANDBOX_CARDS } from "./card";
import { CardInputs } from "./CardInputs";

const schema = z
  .object({ number: z.string(), expiry: z.string(), cvc: z.string() })
  .superRefine((values, ctx) => {
    for (const [path, message] of Object.entries(checkCard(values).problems))
      ctx.addIssue({ code: "custom", path: [path], message });
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
  return (
    <form
      noValidate
      aria-label="Pay by card"
      onSubmit={form.handleSubmit(async (values) => {
        const { card } = checkCard(values);
        if (card) await onPay(card);
      })}
    >
      <FormError error={error} />
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
        autofill
        numberHint={brand ?? undefined}
      />
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
