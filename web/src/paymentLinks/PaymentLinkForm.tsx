import type { InputHTMLAttributes, Ref } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { paymentLinks } from "../api/client";
import type { PaymentLink } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { useApiError } from "../account/useApiForm";
import { CURRENCIES } from "../lib/countries";
import { FormError, SelectField, TextField } from "../ui/Field";
import { emptyLinkForm, LINK_FIELDS, resolveLink } from "./form";
import type { LinkForm } from "./form";

function linkSchema(zone: string) {
  return z
    .object({
      description: z.string(),
      currency: z.string(),
      pricing: z.enum(["fixed", "customer"]),
      amount: z.string(),
      minAmount: z.string(),
      maxAmount: z.string(),
      usage: z.enum(["once", "reusable"]),
      maxUses: z.string(),
      expiresAt: z.string(),
      expiresTime: z.string(),
    })
    .superRefine((values, ctx) => {
      for (const [path, message] of Object.entries(resolveLink(values, zone).errors))
        ctx.addIssue({ code: "custom", path: [path], message });
    });
}

type ChoiceProps = { id: string; label: string } & InputHTMLAttributes<HTMLInputElement> & {
    ref?: Ref<HTMLInputElement>;
  };

/** One radio button of a fieldset. */
function Choice({ id, label, ...input }: ChoiceProps) {
  return (
    <div className="check">
      <input type="radio" id={id} {...input} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

interface Props {
  defaultCurrency: string;
  zone: string;
  onCreated: (link: PaymentLink) => void;
}

export function PaymentLinkForm({ defaultCurrency, zone, onCreated }: Props) {
  const form = useForm<LinkForm>({
    resolver: zodResolver(linkSchema(zone)),
    defaultValues: emptyLinkForm(defaultCurrency),
  });
  const { formError, report } = useApiError(form.setError, LINK_FIELDS);
  const keys = useIdempotencyKey();
  const [pricing, usage, currency] = useWatch({
    control: form.control,
    name: ["pricing", "usage", "currency"],
  });
  const { errors, isSubmitting } = form.formState;
  const currencies = CURRENCIES.includes(defaultCurrency)
    ? CURRENCIES
    : [defaultCurrency, ...CURRENCIES];

  return (
    <form
      noValidate
      aria-label="Create payment link"
      onSubmit={form.handleSubmit(async (values) => {
        const { body } = resolveLink(values, zone);
        if (!body) return;
        try {
          const created = await paymentLinks.create(body, keys.keyFor(body));
          keys.settle();
          onCreated(created);
        } catch (error) {
          keys.settle(error);
          report(error);
        }
      })}
    >
      <FormError error={formError} />
      <TextField
        label="Description"
        placeholder="Yoga class, 10 sessions"
        hint="The customer sees it on the payment page."
        error={errors.description?.message}
        {...form.register("description")}
      />
      <SelectField label="Currency" error={errors.currency?.message} {...form.register("currency")}>
        {currencies.map((code) => (
          <option key={code} value={code}>
            {code}
          </option>
        ))}
      </SelectField>

      <fieldset>
        <legend>Amount</legend>
        <Choice
          id="pricing-fixed"
          label="A fixed amount"
          value="fixed"
          {...form.register("pricing")}
        />
        <Choice
          id="pricing-customer"
          label="The customer enters the amount"
          value="customer"
          {...form.register("pricing")}
        />
        {pricing === "fixed" ? (
          <TextField
            label={`Amount (${currency})`}
            inputMode="decimal"
            error={errors.amount?.message}
            {...form.register("amount")}
          />
        ) : (
          <div className="form-grid">
            <TextField
              label={`Minimum (${currency}, optional)`}
              inputMode="decimal"
              error={errors.minAmount?.message}
              {...form.register("minAmount")}
            />
            <TextField
              label={`Maximum (${currency}, optional)`}
              inputMode="decimal"
              error={errors.maxAmount?.message}
              {...form.register("maxAmount")}
            />
          </div>
        )}
      </fieldset>

      <fieldset>
        <legend>Payments</legend>
        <Choice
          id="usage-once"
          label="One-time: it can be paid once"
          value="once"
          {...form.register("usage")}
        />
        <Choice
          id="usage-reusable"
          label="Reusable: any number of customers can pay it"
          value="reusable"
          {...form.register("usage")}
        />
        {usage === "reusable" && (
          <TextField
            label="Maximum payments (optional)"
            inputMode="numeric"
            hint="It stops taking payments after this many are paid. Empty: no limit."
            error={errors.maxUses?.message}
            {...form.register("maxUses")}
          />
        )}
      </fieldset>

      <div className="form-grid">
        <TextField
          type="date"
          label="Expires on (optional)"
          error={errors.expiresAt?.message}
          hint={`Times in ${zone}.`}
          {...form.register("expiresAt")}
        />
        <TextField type="time" label="Expires at (time)" {...form.register("expiresTime")} />
      </div>

      <button type="submit" className="btn" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create payment link"}
      </button>
    </form>
  );
}
