import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { subscriptions } from "../api/client";
import type { Plan, Subscription, SubscriptionCreate } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { useApiError } from "../account/useApiForm";
import { CheckboxField, FormError, SelectField, TextField } from "../ui/Field";
import { CardFields } from "./CardFields";
import { priceLabel } from "./labels";
import { onFormField, resolveSubscription, SUBSCRIPTION_FIELDS } from "./subscriptionForm";
import type { SubscriptionForm as Values } from "./subscriptionForm";
import { useSavedCard } from "./useSavedCard";

function schema(zone: string, testMode: boolean) {
  return z
    .object({
      planId: z.string(),
      email: z.string(),
      number: z.string(),
      expiry: z.string(),
      cvc: z.string(),
      useTestClock: z.boolean(),
      clockStart: z.string(),
    })
    .superRefine((values, ctx) => {
      for (const [path, message] of Object.entries(
        resolveSubscription(values, zone, testMode).errors,
      ))
        ctx.addIssue({ code: "custom", path: [path], message });
    });
}

function planOption(plan: Plan): string {
  const trial = plan.trialDays > 0 ? `, ${plan.trialDays}-day trial` : "";
  return `${plan.name} (${priceLabel(plan)}${trial})`;
}

interface Props {
  plans: Plan[];
  zone: string;
  testMode: boolean;
  onCreated: (subscription: Subscription) => void;
}

export function SubscriptionForm({ plans, zone, testMode, onCreated }: Props) {
  const form = useForm<Values>({
    resolver: zodResolver(schema(zone, testMode)),
    defaultValues: {
      planId: plans[0]?.id ?? "",
      email: "",
      number: "",
      expiry: "",
      cvc: "",
      useTestClock: false,
      clockStart: "",
    },
  });
  const { formError, report } = useApiError(form.setError, SUBSCRIPTION_FIELDS);
  const cards = useSavedCard();
  const subscriptionKeys = useIdempotencyKey();
  const useTestClock = useWatch({ control: form.control, name: "useTestClock" });
  const { errors, isSubmitting } = form.formState;

  return (
    <form
      noValidate
      aria-label="Create subscription"
      onSubmit={form.handleSubmit(async (values) => {
        const { card, email, clockStart } = resolveSubscription(values, zone, testMode);
        if (!card) return;
        let body: SubscriptionCreate | null = null;
        try {
          const saved = await cards.save({ card, customer: { email } });
          body = { planId: values.planId, customer: { email }, paymentMethodId: saved.id };
          if (clockStart !== undefined)
            body.testClock = clockStart ? { frozenTime: clockStart } : {};
          const created = await subscriptions.create(body, subscriptionKeys.keyFor(body));
          subscriptionKeys.settle();
          onCreated(created);
        } catch (error) {
          if (body) subscriptionKeys.settle(error);
          report(onFormField(error));
        }
      })}
    >
      <FormError error={formError} />
      <SelectField label="Plan" error={errors.planId?.message} {...form.register("planId")}>
        {plans.map((plan) => (
          <option key={plan.id} value={plan.id}>
            {planOption(plan)}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Customer email"
        type="email"
        autoComplete="off"
        error={errors.email?.message}
        {...form.register("email")}
      />
      <CardFields form={form} errors={errors} testMode={testMode} />
      {testMode && (
        <fieldset>
          <legend>Test clock</legend>
          <CheckboxField
            label="Use a test clock"
            hint="The subscription runs on its own clock, which you move forward from its page to see renewals and retries."
            {...form.register("useTestClock")}
          />
          {useTestClock && (
            <TextField
              type="datetime-local"
              label="Clock starts at (optional)"
              hint={`Times in ${zone}. Empty: now.`}
              error={errors.clockStart?.message}
              {...form.register("clockStart")}
            />
          )}
        </fieldset>
      )}
      <button type="submit" className="btn" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create subscription"}
      </button>
    </form>
  );
}
