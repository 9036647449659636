import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import type { Endpoint } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { CheckboxField, FormError, TextField } from "../ui/Field";
import { EVENT_CHOICES } from "./events";

const schema = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Enter the URL that receives the webhooks")
    .refine((value) => {
      try {
        const url = new URL(value);
        return url.protocol === "https:" || url.protocol === "http:";
      } catch {
        return false;
      }
    }, "Enter a full http:// or https:// URL"),
  description: z.string().max(500, "Use at most 500 characters"),
  enabledEvents: z.array(z.string()).min(1, "Choose at least one event"),
  verify: z.boolean(),
});
export type EndpointValues = z.infer<typeof schema>;

interface Props {
  endpoint?: Endpoint;
  submitLabel: string;
  onSubmit: (values: EndpointValues) => Promise<void>;
  onCancel: () => void;
}

export function EndpointForm({ endpoint, submitLabel, onSubmit, onCancel }: Props) {
  const form = useForm<EndpointValues>({
    resolver: zodResolver(schema),
    defaultValues: {
      url: endpoint?.url ?? "",
      description: endpoint?.description ?? "",
      enabledEvents: endpoint?.enabledEvents ?? ["*"],
      verify: endpoint?.verification === "challenge",
    },
  });
  const { formError, report } = useApiError(form.setError, ["url", "description", "enabledEvents"]);
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(async (values) => {
        try {
          await onSubmit(values);
        } catch (error) {
          report(error);
        }
      })}
    >
      <FormError error={formError} />
      <TextField
        label="Endpoint URL"
        type="url"
        placeholder="https://shop.example.com/hooks/expe"
        error={errors.url?.message}
        {...form.register("url")}
      />
      <TextField
        label="Description (optional)"
        error={errors.description?.message}
        {...form.register("description")}
      />
      <fieldset>
        <legend>Events to send</legend>
        {EVENT_CHOICES.map((event) => (
          <div className="check" key={event}>
            <input
              type="checkbox"
              id={`event-${event}`}
              value={event}
              {...form.register("enabledEvents")}
            />
            <label htmlFor={`event-${event}`}>
              {event === "*"
                ? "All events (*)"
                : event === "payment.*"
                  ? "Every payment event (payment.*)"
                  : event}
            </label>
          </div>
        ))}
        {errors.enabledEvents && (
          <span className="field-error" role="alert">
            {errors.enabledEvents.message}
          </span>
        )}
      </fieldset>
      <CheckboxField
        label="Verify the URL before sending events"
        hint="Expe sends a signed challenge when the URL is saved; the endpoint gets events only once it echoes it, so a typo is caught at once."
        {...form.register("verify")}
      />
      <div className="modal-actions">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : submitLabel}
        </button>
      </div>
    </form>
  );
}
