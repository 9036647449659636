import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { webhooks } from "../api/client";
import type { VerifyResult } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { FormError, TextAreaField, TextField } from "../ui/Field";

const schema = z.object({
  secret: z.string().trim().min(1, "Paste the endpoint's signing secret (whsec_…)"),
  webhookId: z.string().trim().min(1, "Paste the webhook-id header"),
  webhookTimestamp: z
    .string()
    .trim()
    .regex(/^\d+$/, "The webhook-timestamp header is a number of seconds"),
  webhookSignature: z.string().trim().min(1, "Paste the webhook-signature header"),
  body: z.string().min(1, "Paste the raw body exactly as received"),
  toleranceSeconds: z.string().regex(/^\d*$/, "Enter a number of seconds"),
});
export type SignatureValues = z.infer<typeof schema>;

const EMPTY: SignatureValues = {
  secret: "",
  webhookId: "",
  webhookTimestamp: "",
  webhookSignature: "",
  body: "",
  toleranceSeconds: "",
};

/** What a receiver got, checked by POST /webhooks/verify the way a receiver should check it.
 * `initial` fills in a delivery's body and headers (remount with a new `key` to refill), and
 * `focusSecret` puts the cursor where the secret, which Expe never shows again, is pasted. */
export function SignatureForm({
  initial,
  focusSecret = false,
}: {
  initial?: Partial<SignatureValues>;
  focusSecret?: boolean;
}) {
  const [result, setResult] = useState<VerifyResult | null>(null);
  const form = useForm<SignatureValues>({
    resolver: zodResolver(schema),
    defaultValues: { ...EMPTY, ...initial },
  });
  const { formError, report } = useApiError(form.setError, ["secret", "body"]);
  const { errors, isSubmitting } = form.formState;
  return (
    <>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          setResult(null);
          try {
            setResult(
              await webhooks.verify({
                secret: values.secret,
                body: values.body,
                headers: {
                  "webhook-id": values.webhookId,
                  "webhook-timestamp": values.webhookTimestamp,
                  "webhook-signature": values.webhookSignature,
                },
                ...(values.toleranceSeconds
                  ? { toleranceSeconds: Number(values.toleranceSeconds) }
                  : {}),
              }),
            );
          } catch (error) {
            report(error);
          }
        })}
      >
        <FormError error={formError} />
        <TextField
          label="Signing secret"
          autoComplete="off"
          placeholder="whsec_…"
          autoFocus={focusSecret}
          error={errors.secret?.message}
          {...form.register("secret")}
        />
        <div className="form-grid">
          <TextField
            label="webhook-id header"
            placeholder="msg_…"
            error={errors.webhookId?.message}
            {...form.register("webhookId")}
          />
          <TextField
            label="webhook-timestamp header"
            inputMode="numeric"
            error={errors.webhookTimestamp?.message}
            {...form.register("webhookTimestamp")}
          />
        </div>
        <TextField
          label="webhook-signature header"
          placeholder="v1,…"
          error={errors.webhookSignature?.message}
          {...form.register("webhookSignature")}
        />
        <TextAreaField
          label="Raw body"
          rows={6}
          error={errors.body?.message}
          {...form.register("body")}
        />
        <TextField
          label="Tolerance in seconds (optional)"
          inputMode="numeric"
          hint="Default 300 s."
          error={errors.toleranceSeconds?.message}
          {...form.register("toleranceSeconds")}
        />
        <button type="submit" className="btn" disabled={isSubmitting}>
          {isSubmitting ? "Checking…" : "Verify signature"}
        </button>
      </form>
      {result && (
        <div
          className={`alert section ${result.valid ? "alert-success" : "alert-error"}`}
          role="status"
        >
          <strong>{result.valid ? "Valid signature" : "Invalid signature"}</strong>
          {result.reason && <> ({result.reason})</>}: {result.message}
        </div>
      )}
    </>
  );
}
