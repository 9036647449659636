import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, auth } from "../api/client";
import { useStartSession } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { safeNext } from "../lib/next";
import { FormError, TextField } from "../ui/Field";
import { email } from "./schemas";
import { useApiError } from "./useApiForm";

const credentials = z.object({ email, password: z.string().min(1, "Enter your password") });
type Credentials = z.infer<typeof credentials>;
const second = z.object({ code: z.string().trim().min(1, "Enter the code") });

export function LoginPage() {
  usePageTitle("Log in");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const startSession = useStartSession();
  const [pending, setPending] = useState<Credentials | null>(null);
  const [useRecovery, setUseRecovery] = useState(false);
  const form = useForm<Credentials>({ resolver: zodResolver(credentials) });
  const codeForm = useForm<{ code: string }>({ resolver: zodResolver(second) });
  const { formError, setFormError, report } = useApiError(form.setError, ["email", "password"]);

  const finish = async (body: Parameters<typeof auth.login>[0]) => {
    const pair = await auth.login(body);
    startSession(pair);
    navigate(safeNext(params.get("next")), { replace: true });
  };

  const onCredentials = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await finish(values);
    } catch (error) {
      if (error instanceof ApiError && error.code === "two_factor_required") {
        setPending(values);
        return;
      }
      report(error);
    }
  });

  const onCode = codeForm.handleSubmit(async ({ code }) => {
    if (!pending) return;
    setFormError(null);
    try {
      await finish(
        useRecovery
          ? { ...pending, recoveryCode: code }
          : { ...pending, totpCode: code.replace(/\s/g, "") },
      );
    } catch (error) {
      if (error instanceof ApiError && error.code === "two_factor_required") {
        codeForm.setError("code", {
          type: "server",
          message: "That code is wrong or was already used.",
        });
        return;
      }
      report(error);
    }
  });

  if (pending) {
    return (
      <section className="auth-card" aria-labelledby="login-title">
        <h1 id="login-title">Two-step verification</h1>
        <p className="muted">
          {useRecovery
            ? "Enter one of the recovery codes you saved when you turned on two-step verification."
            : "Enter the 6-digit code from your authenticator app."}
        </p>
        <FormError error={formError} />
        <form onSubmit={onCode} noValidate>
          <TextField
            label={useRecovery ? "Recovery code" : "Authentication code"}
            autoComplete="one-time-code"
            inputMode={useRecovery ? "text" : "numeric"}
            autoFocus
            error={codeForm.formState.errors.code?.message}
            {...codeForm.register("code")}
          />
          <button
            type="submit"
            className="btn btn-block"
            disabled={codeForm.formState.isSubmitting}
          >
            {codeForm.formState.isSubmitting ? "Verifying…" : "Verify"}
          </button>
        </form>
        <div className="auth-links">
          <button
            type="button"
            className="btn-link"
            onClick={() => setUseRecovery((value) => !value)}
          >
            {useRecovery ? "Use the authenticator app" : "Use a recovery code"}
          </button>
          <button type="button" className="btn-link" onClick={() => setPending(null)}>
            Back
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="auth-card" aria-labelledby="login-title">
      <h1 id="login-title">Log in to Expe</h1>
      <FormError error={formError} />
      <form onSubmit={onCredentials} noValidate>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={form.formState.errors.email?.message}
          {...form.register("email")}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          error={form.formState.errors.password?.message}
          {...form.register("password")}
        />
        <button type="submit" className="btn btn-block" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? "Logging in…" : "Log in"}
        </button>
      </form>
      <div className="auth-links">
        <Link to="/forgot-password">Forgot your password?</Link>
        <span>
          New to Expe? <Link to="/register">Create an account</Link>
        </span>
      </div>
    </section>
  );
}
