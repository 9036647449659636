import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link } from "react-router";
import { auth } from "../api/client";
import { usePageTitle } from "../layout/usePageTitle";
import { FormError, TextField } from "../ui/Field";
import { email } from "./schemas";
import { useApiError } from "./useApiForm";

const schema = z.object({ email });

export function ForgotPasswordPage() {
  usePageTitle("Reset your password");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm<{ email: string }>({ resolver: zodResolver(schema) });
  const { formError, report } = useApiError(form.setError, ["email"]);

  if (sentTo) {
    return (
      <section className="auth-card" aria-labelledby="forgot-title">
        <h1 id="forgot-title">Check your email</h1>
        <p>
          If there is an account for <strong>{sentTo}</strong>, a link to choose a new password is
          on its way.
        </p>
        <Link to="/login">Back to log in</Link>
      </section>
    );
  }
  return (
    <section className="auth-card" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      <p className="muted">Enter the email you signed up with and we will send you a link.</p>
      <FormError error={formError} />
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          try {
            await auth.forgotPassword(values.email);
            setSentTo(values.email);
          } catch (error) {
            report(error);
          }
        })}
      >
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={form.formState.errors.email?.message}
          {...form.register("email")}
        />
        <button type="submit" className="btn btn-block" disabled={form.formState.isSubmitting}>
          Send reset link
        </button>
      </form>
      <div className="auth-links">
        <Link to="/login">Back to log in</Link>
      </div>
    </section>
  );
}
