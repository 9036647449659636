import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { ApiError, checkout, errorMessage } from "../api/client";
import type { CheckoutLink } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { formatMoney, parseAmount } from "../lib/money";
import { boundsLabel } from "../paymentLinks/labels";
import { FormError, TextField } from "../ui/Field";
import { amountError, BUSY_MESSAGE, checkoutPath, closureOfError } from "./link";
import type { LinkClosure } from "./link";

interface Props {
  link: CheckoutLink;
  onClosed: (closure: LinkClosure) => void;
}

/** The Pay button (and the amount, when the customer chooses it): starts a payment, opens it. */
export function PayLinkForm({ link, onClosed }: Props) {
  const chooses = link.amount === null;
  const schema = z.object({
    amount: z.string().superRefine((value, ctx) => {
      const message = chooses ? amountError(value, link) : null;
      if (message) ctx.addIssue({ code: "custom", message });
    }),
  });
  const form = useForm<{ amount: string }>({
    resolver: zodResolver(schema),
    defaultValues: { amount: "" },
  });
  const keys = useIdempotencyKey();
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  const typed = useWatch({ control: form.control, name: "amount" }) ?? "";
  const { errors, isSubmitting } = form.formState;

  const payable = chooses
    ? amountError(typed, link) === null
      ? parseAmount(typed, link.currency)
      : null
    : link.amount;
  const label = leaving
    ? "Opening checkout…"
    : isSubmitting
      ? "Starting payment…"
      : payable === null
        ? "Pay"
        : `Pay ${formatMoney(payable, link.currency)}`;

  return (
    <form
      noValidate
      aria-label="Pay"
      onSubmit={form.handleSubmit(async (values) => {
        const body = chooses ? { amount: parseAmount(values.amount, link.currency) ?? 0 } : {};
        setError(null);
        try {
          const started = await checkout.payLink(link.slug, body, keys.keyFor(body));
          keys.settle();
          setLeaving(true);
          // A full load, not the router: the checkout reads its secret from the fragment.
          window.location.assign(checkoutPath(started.checkoutUrl));
        } catch (failure) {
          keys.settle(failure);
          const closure = closureOfError(failure);
          if (closure) onClosed(closure);
          else if (failure instanceof ApiError && failure.code === "payment_link_busy")
            setError(BUSY_MESSAGE);
          else if (failure instanceof ApiError && failure.param === "amount" && chooses)
            form.setError(
              "amount",
              { type: "server", message: failure.message },
              { shouldFocus: true },
            );
          else setError(errorMessage(failure));
        }
      })}
    >
      <FormError error={error} />
      {chooses && (
        <TextField
          label={`Amount (${link.currency})`}
          inputMode="decimal"
          autoComplete="off"
          hint={boundsLabel(link) ?? undefined}
          error={errors.amount?.message}
          {...form.register("amount")}
        />
      )}
      <button type="submit" className="btn btn-block" disabled={isSubmitting || leaving}>
        {label}
      </button>
    </form>
  );
}
