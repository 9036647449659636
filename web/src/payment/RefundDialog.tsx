import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { payments } from "../api/client";
import type { Payment, Refund } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { formatMoney, parseAmount, toDecimalString } from "../lib/money";
import { FormError, TextField } from "../ui/Field";
import { Modal } from "../ui/Modal";

interface Props {
  payment: Payment;
  open: boolean;
  onClose: () => void;
  onRefunded: (refund: Refund) => void;
}

export function refundable(payment: Payment): number {
  return payment.status === "succeeded" ? Math.max(0, payment.amount - payment.amountRefunded) : 0;
}

export function RefundDialog({ payment, open, onClose, onRefunded }: Props) {
  const left = refundable(payment);
  const schema = z.object({
    amount: z.string().superRefine((value, ctx) => {
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
          message: `At most ${formatMoney(left, payment.currency)} can be refunded`,
        });
    }),
    reason: z.string().max(200, "Use at most 200 characters"),
  });
  type Values = z.infer<typeof schema>;
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    values: { amount: toDecimalString(left, payment.currency), reason: "" },
  });
  const { formError, report } = useApiError(form.setError, ["amount", "reason"]);
  const typed = parseAmount(
    useWatch({ control: form.control, name: "amount" }) ?? "",
    payment.currency,
  );
  const { errors, isSubmitting } = form.formState;

  return (
    <Modal open={open} title="Refund payment" onClose={onClose}>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          const minor = parseAmount(values.amount, payment.currency) ?? 0;
          try {
            const refund = await payments.refund(payment.id, {
              // The whole remainder is sent without an amount: the server refunds what is left.
              ...(minor === left ? {} : { amount: minor }),
              ...(values.reason.trim() ? { reason: values.reason.trim() } : {}),
            });
            onRefunded(refund);
          } catch (error) {
            report(error);
          }
        })}
      >
        <p>
          {formatMoney(left, payment.currency)} of {formatMoney(payment.amount, payment.currency)}{" "}
          can still be refunded.
        </p>
        <FormError error={formError} />
        <TextField
          label={`Refund amount (${payment.currency})`}
          inputMode="decimal"
          autoFocus
          error={errors.amount?.message}
          hint="Lower it for a partial refund."
          {...form.register("amount")}
        />
        <TextField
          label="Reason (optional)"
          placeholder="One item returned"
          error={errors.reason?.message}
          {...form.register("reason")}
        />
        <div className="modal-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn" disabled={isSubmitting}>
            {isSubmitting
              ? "Refunding…"
              : typed && typed > 0 && typed <= left
                ? `Refund ${formatMoney(typed, payment.currency)}`
                : "Refund"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
