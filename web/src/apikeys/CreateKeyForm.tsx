import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { apiKeys } from "../api/client";
import type { ApiKeyCreated, Mode } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { FormError, SelectField, TextAreaField, TextField } from "../ui/Field";

const cidr = /^(?:(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?|[0-9a-fA-F:]+(?:\/\d{1,3})?)$/;

export function parseAllowlist(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export const allowlistSchema = z
  .string()
  .refine(
    (text) => parseAllowlist(text).every((entry) => cidr.test(entry)),
    "Enter IP addresses or CIDR ranges (like 203.0.113.0/24), one per line",
  );

const schema = z.object({
  name: z.string().trim().max(100, "Use at most 100 characters"),
  type: z.enum(["secret", "publishable"]),
  mode: z.enum(["test", "live"]),
  ipAllowlist: allowlistSchema,
});
type Values = z.infer<typeof schema>;

interface Props {
  projectId: string;
  defaultMode: Mode;
  onCreated: (key: ApiKeyCreated) => void;
  submitLabel?: string;
}

export function CreateKeyForm({
  projectId,
  defaultMode,
  onCreated,
  submitLabel = "Create key",
}: Props) {
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { name: "", type: "secret", mode: defaultMode, ipAllowlist: "" },
  });
  const { formError, report } = useApiError(form.setError, ["name", "type", "mode", "ipAllowlist"]);
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(async (values) => {
        try {
          const created = await apiKeys.create(projectId, {
            type: values.type,
            mode: values.mode,
            name: values.name || undefined,
            ipAllowlist: parseAllowlist(values.ipAllowlist),
          });
          onCreated(created);
        } catch (error) {
          report(error);
        }
      })}
    >
      <FormError error={formError} />
      <div className="form-grid">
        <SelectField label="Key type" error={errors.type?.message} {...form.register("type")}>
          <option value="secret">Secret key (servers)</option>
          <option value="publishable">Publishable key (checkout)</option>
        </SelectField>
        <SelectField
          label="Key mode"
          error={errors.mode?.message}
          hint="Live keys need a verified merchant."
          {...form.register("mode")}
        >
          <option value="test">Test</option>
          <option value="live">Live</option>
        </SelectField>
      </div>
      <TextField
        label="Key name (optional)"
        placeholder="Production server"
        error={errors.name?.message}
        {...form.register("name")}
      />
      <TextAreaField
        label="IP allowlist (optional)"
        hint="Addresses or CIDR ranges the key may be used from, one per line. Empty: anywhere."
        rows={2}
        error={errors.ipAllowlist?.message}
        {...form.register("ipAllowlist")}
      />
      <button type="submit" className="btn" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : submitLabel}
      </button>
    </form>
  );
}
