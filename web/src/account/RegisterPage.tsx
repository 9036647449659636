import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link } from "react-router";
import { auth, errorMessage } from "../api/client";
import { usePageTitle } from "../layout/usePageTitle";
import { FormError, TextField } from "../ui/Field";
import { useToast } from "../ui/toast";
import { email, name, newPassword } from "./schemas";
import { useApiError } from "./useApiForm";

const schema = z.object({ name, email, password: newPassword });
type Values = z.infer<typeof schema>;

export function RegisterPage() {
  usePageTitle("Create your account");
  const toast = useToast();
  const [registered, setRegistered] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema) });
  const { formError, setFormError, report } = useApiError(form.setError, [
    "name",
    "email",
    "password",
  ]);
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await auth.register(values);
      setRegistered(values.email);
    } catch (error) {
      report(error);
    }
  });

  if (registered) {
    return (
      <section className="auth-card" aria-labelledby="register-title">
        <h1 id="register-title">Check your email</h1>
        <p>
          We sent a link to <strong>{registered}</strong>. Open it to confirm your address, then log
          in.
        </p>
        <div className="auth-links">
          <button
            type="button"
            className="btn btn-secondary"
            onClick={async () => {
              try {
                await auth.resendVerification(registered);
                toast.success("We sent the email again");
              } catch (error) {
                toast.error(errorMessage(error));
              }
            }}
          >
            Send the email again
          </button>
          <Link to="/verify-email">I have a code</Link>
          <Link to="/login">Log in</Link>
        </div>
      </section>
    );
  }

  return (
    <section className="auth-card" aria-labelledby="register-title">
      <h1 id="register-title">Create your Expe account</h1>
      <FormError error={formError} />
      <form onSubmit={onSubmit} noValidate>
        <TextField
          label="Full name"
          autoComplete="name"
          error={errors.name?.message}
          {...form.register("name")}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={errors.email?.message}
          {...form.register("email")}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters; a passphrase of a few words works well."
          error={errors.password?.message}
          {...form.register("password")}
        />
        <button type="submit" className="btn btn-block" disabled={isSubmitting}>
          {isSubmitting ? "Creating your account…" : "Create account"}
        </button>
      </form>
      <div className="auth-links">
        <span>
          Already have an account? <Link to="/login">Log in</Link>
        </span>
      </div>
    </section>
  );
}
