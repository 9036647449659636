import { useMemo } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, auth } from "../api/client";
import { qk } from "../api/keys";
import type { User } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { useMe, useTimeZone } from "../auth/hooks";
import { session } from "../auth/session";
import { browserTimeZone, formatDate, timeZones } from "../lib/time";
import { CheckboxField, FormError, SelectField, TextField } from "../ui/Field";
import { useToast } from "../ui/toast";

const schema = z.object({
  name: z.string().trim().min(1, "Enter your name").max(100, "Use at most 100 characters"),
  timezone: z.string().min(1),
  paymentFailures: z.boolean(),
  webhookFailures: z.boolean(),
  weeklySummary: z.boolean(),
});
type Values = z.infer<typeof schema>;

function unsupported(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405);
}

export function AccountTab() {
  const me = useMe();
  const zone = useTimeZone();
  const client = useQueryClient();
  const toast = useToast();
  const current = me?.timezone ?? zone;
  const browserZone = browserTimeZone();
  // ICU may list a zone under another name than the server's (Asia/Calcutta, Asia/Kolkata).
  const zones = useMemo(
    () => [...new Set([...timeZones(), current, browserZone])].sort(),
    [current, browserZone],
  );
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    values: {
      name: me?.name ?? "",
      timezone: me?.timezone ?? zone,
      paymentFailures: me?.notifications?.paymentFailures ?? true,
      webhookFailures: me?.notifications?.webhookFailures ?? true,
      weeklySummary: me?.notifications?.weeklySummary ?? false,
    },
  });
  const { formError, setFormError, report } = useApiError(form.setError, ["name", "timezone"]);
  const { errors, isSubmitting } = form.formState;
  if (!me) return null;
  return (
    <section className="card" aria-labelledby="account-title">
      <h2 id="account-title">Account</h2>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          setFormError(null);
          try {
            const { user } = await auth.updateMe({
              name: values.name,
              timezone: values.timezone,
              notifications: {
                paymentFailures: values.paymentFailures,
                webhookFailures: values.webhookFailures,
                weeklySummary: values.weeklySummary,
              },
            });
            client.setQueryData<User>(qk.me, user);
            session.setUser(user);
            toast.success("Account saved");
          } catch (error) {
            if (unsupported(error))
              setFormError("This server does not support changing account details yet.");
            else report(error);
          }
        })}
      >
        <FormError error={formError} />
        <TextField
          label="Name"
          autoComplete="name"
          error={errors.name?.message}
          {...form.register("name")}
        />
        <TextField
          label="Email"
          type="email"
          value={me.email}
          readOnly
          hint={me.emailVerified ? "Verified" : "Not verified yet: open the link we emailed you."}
        />
        <SelectField
          label="Timezone"
          hint={`Every time in the dashboard is shown in this zone. Your browser's: ${browserTimeZone()}.`}
          error={errors.timezone?.message}
          {...form.register("timezone")}
        >
          {zones.map((item) => (
            <option key={item} value={item}>
              {item}
            </option>
          ))}
        </SelectField>
        {browserZone !== current && (
          <p className="small">
            <button
              type="button"
              className="btn-link"
              onClick={() => form.setValue("timezone", browserZone, { shouldDirty: true })}
            >
              Use {browserZone}, your browser’s time zone
            </button>
          </p>
        )}
        <fieldset>
          <legend>Email notifications</legend>
          <CheckboxField
            label="Failed payments"
            hint="When a payment fails."
            {...form.register("paymentFailures")}
          />
          <CheckboxField
            label="Failing webhooks"
            hint="When a webhook message gives up or an endpoint is disabled."
            {...form.register("webhookFailures")}
          />
          <CheckboxField
            label="Weekly summary"
            hint="Volume and success rate, every Monday."
            {...form.register("weeklySummary")}
          />
        </fieldset>
        <button type="submit" className="btn" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : "Save account"}
        </button>
      </form>
      <p className="small muted section">
        Signed up {formatDate(me.createdAt, zone)} · <span className="mono">{me.id}</span>
      </p>
    </section>
  );
}
