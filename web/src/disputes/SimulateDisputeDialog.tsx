import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { disputes } from "../api/client";
import type { Dispute, DisputeReason, DisputeSimulate, Payment } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { useApiError } from "../account/useApiForm";
import { formatMoney, parseAmount, toDecimalString } from "../lib/money";
import { FormError, SelectField, TextField } from "../ui/Field";
import { Modal } from "../ui/Modal";
import { REASONS } from "./labels";

interface Props {
  payment: Payment;
  onClose: () => void;
  onOpened: (dispute: Dispute) => void;
}

/** What of the payment can still be disputed: what refunds left of it. */
export function disputable(payment: Payment): number {
  return payment.status === "succeeded" ? Math.max(0, payment.amount - payment.amountRefunded) : 0;
}

/** Test mode: opens a dispute on the payment, as a customer's bank would. Mounted while open. */
export function SimulateDisputeDialog({ payment, onClose, onOpened }: Props) {
  const left = disputable(payment);
  const schema = z.object({
    reason: z.custom<DisputeReason>((value) => REASONS.some((choice) => choice.value === value)),
    amount: z.string().superRefine((value, ctx) => {
      if (!value.trim()) return;
      const minor = parseAmount(value, payment.currency);
      if (minor === null)
        ctx.addIssue({
          code: "custom",
          message: `Enter an amount in ${payment.currency}, like ${toDecimalString(left, payment.currency)}`,
        });
      else if (minor <= 0)
        ctx.addIssue({ code: "custom", message: "The amount must be more than zero" });
      else if (minor > left)
        ctx.addIssue({
          code: "custom",
          message: `At most ${formatMoney(left, payment.currency)} can be disputed`,
        });
    }),
  });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { reason: "fraudulent", amount: "" },
  });
  const { formError, report } = useApiError(form.setError, ["reason", "amount"]);
  const keys = useIdempotencyKey();
  const { errors, isSubmitting } = form.formState;

  return (
    <Modal open title="Simulate a dispute" onClose={onClose}>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          const amount = parseAmount(values.amount, payment.currency);
          const body: DisputeSimulate = {
            reason: values.reason,
            ...(values.amount.trim() && amount !== null ? { amount } : {}),
          };
          try {
            const opened = await disputes.simulate(payment.id, body, keys.keyFor(body));
            keys.settle();
            onOpened(opened);
          } catch (error) {
            keys.settle(error);
            report(error);
          }
        })}
      >
        <p>
          The customer's bank contests this test payment: the disputed amount and a fee are withheld
          from your test balance until the dispute is decided.
        </p>
        <FormError error={formError} />
        <SelectField label="Reason" error={errors.reason?.message} {...form.register("reason")}>
          {REASONS.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label={`Disputed amount (${payment.currency}, optional)`}
          inputMode="decimal"
          hint={`Empty: all ${formatMoney(left, payment.currency)} left after refunds.`}
          error={errors.amount?.message}
          {...form.register("amount")}
        />
        <div className="modal-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn" disabled={isSubmitting}>
            {isSubmitting ? "Opening…" : "Open dispute"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
