import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link, useSearchParams } from "react-router";
import { auth } from "../api/client";
import { session } from "../auth/session";
import { usePageTitle } from "../layout/usePageTitle";
import { FormError, TextField } from "../ui/Field";
import { newPassword } from "./schemas";
import { useApiError } from "./useApiForm";

const schema = z
  .object({
    token: z.string().trim().min(1, "Paste the code from the email"),
    newPassword,
    confirm: z.string(),
  })
  .refine((values) => values.newPassword === values.confirm, {
    path: ["confirm"],
    message: "The passwords do not match",
  });
type Values = z.infer<typeof schema>;

export function ResetPasswordPage() {
  usePageTitle("Choose a new password");
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [done, setDone] = useState(false);
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { token, newPassword: "", confirm: "" },
  });
  const { formError, report } = useApiError(form.setError, ["token", "newPassword"]);
  const { errors, isSubmitting } = form.formState;

  if (done) {
    return (
      <section className="auth-card" aria-labelledby="reset-title">
        <h1 id="reset-title">Password changed</h1>
        <p>Every session was signed out. Log in with your new password.</p>
        <Link className="btn btn-block" to="/login">
          Log in
        </Link>
      </section>
    );
  }
  return (
    <section className="auth-card" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <FormError error={formError} />
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          try {
            await auth.resetPassword(values.token, values.newPassword);
            session.clear();
            setDone(true);
          } catch (error) {
            report(error);
          }
        })}
      >
        {!token && (
          <TextField label="Reset code" error={errors.token?.message} {...form.register("token")} />
        )}
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          error={errors.newPassword?.message}
          {...form.register("newPassword")}
        />
        <TextField
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          error={errors.confirm?.message}
          {...form.register("confirm")}
        />
        <button type="submit" className="btn btn-block" disabled={isSubmitting}>
          Set new password
        </button>
      </form>
    </section>
  );
}
