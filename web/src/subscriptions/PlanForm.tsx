import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { plans } from "../api/client";
import type { Plan } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { useApiError } from "../account/useApiForm";
import { CURRENCIES } from "../lib/countries";
import { FormError, SelectField, TextField } from "../ui/Field";
import { FINAL_STATUSES, INTERVALS } from "./labels";
import { emptyPlanForm, PLAN_FIELDS, resolvePlan } from "./planForm";
import type { PlanForm as Values } from "./planForm";

const schema = z
  .object({
    name: z.string(),
    amount: z.string(),
    currency: z.string(),
    interval: z.enum(["day", "week", "month", "year"]),
    intervalCount: z.string(),
    trialDays: z.string(),
    retryDays: z.string(),
    finalStatus: z.enum(["canceled", "unpaid"]),
  })
  .superRefine((values, ctx) => {
    for (const [path, message] of Object.entries(resolvePlan(values).errors))
      ctx.addIssue({ code: "custom", path: [path], message });
  });

interface Props {
  defaultCurrency: string;
  onCreated: (plan: Plan) => void;
}

export function PlanForm({ defaultCurrency, onCreated }: Props) {
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: emptyPlanForm(defaultCurrency),
  });
  const { formError, report } = useApiError(form.setError, PLAN_FIELDS);
  const keys = useIdempotencyKey();
  const currency = useWatch({ control: form.control, name: "currency" });
  const { errors, isSubmitting } = form.formState;
  const currencies = CURRENCIES.includes(defaultCurrency)
    ? CURRENCIES
    : [defaultCurrency, ...CURRENCIES];

  return (
    <form
      noValidate
      aria-label="Create plan"
      onSubmit={form.handleSubmit(async (values) => {
        const { body } = resolvePlan(values);
        if (!body) return;
        try {
          const created = await plans.create(body, keys.keyFor(body));
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
        label="Name"
        placeholder="Chai club, monthly"
        hint="Customers see it on their receipts."
        error={errors.name?.message}
        {...form.register("name")}
      />
      <div className="form-grid">
        <TextField
          label={`Amount (${currency})`}
          inputMode="decimal"
          error={errors.amount?.message}
          {...form.register("amount")}
        />
        <SelectField
          label="Currency"
          error={errors.currency?.message}
          {...form.register("currency")}
        >
          {currencies.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </SelectField>
      </div>
      <div className="form-grid">
        <SelectField
          label="Billed every"
          error={errors.interval?.message}
          {...form.register("interval")}
        >
          {INTERVALS.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Interval count"
          inputMode="numeric"
          hint="3 with Month: every 3 months."
          error={errors.intervalCount?.message}
          {...form.register("intervalCount")}
        />
      </div>
      <TextField
        label="Trial days"
        inputMode="numeric"
        hint="Days before the first charge; 0 charges at once."
        error={errors.trialDays?.message}
        {...form.register("trialDays")}
      />
      <TextField
        label="Retry days"
        hint="Days after a failed renewal on which the charge is tried again, separated by commas. Empty: the default, 1, 3, 5, 7."
        error={errors.retryDays?.message}
        {...form.register("retryDays")}
      />
      <SelectField
        label="After the last failed retry"
        error={errors.finalStatus?.message}
        {...form.register("finalStatus")}
      >
        {FINAL_STATUSES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="btn" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create plan"}
      </button>
    </form>
  );
}
