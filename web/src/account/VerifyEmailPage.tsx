import { useEffect, useRef, useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { Link, useSearchParams } from "react-router";
import { auth, errorMessage } from "../api/client";
import { useSession } from "../auth/hooks";
import { session } from "../auth/session";
import { usePageTitle } from "../layout/usePageTitle";
import { FormError, TextField } from "../ui/Field";

const schema = z.object({ token: z.string().trim().min(1, "Paste the code from the email") });

type State =
  | { kind: "idle" }
  | { kind: "verifying" }
  | { kind: "done"; email: string }
  | { kind: "failed"; message: string };

export function VerifyEmailPage() {
  usePageTitle("Verify your email");
  const [params] = useSearchParams();
  const token = params.get("token");
  const [state, setState] = useState<State>(token ? { kind: "verifying" } : { kind: "idle" });
  const started = useRef(false);
  const { accessToken } = useSession();
  const form = useForm<{ token: string }>({ resolver: zodResolver(schema) });

  const verify = async (value: string) => {
    setState({ kind: "verifying" });
    try {
      const { user } = await auth.verifyEmail(value);
      const current = session.get().user;
      if (current && current.id === user.id) session.setUser(user);
      setState({ kind: "done", email: user.email });
    } catch (error) {
      setState({ kind: "failed", message: errorMessage(error) });
    }
  };

  useEffect(() => {
    // Once: the token works a single time, and StrictMode runs effects twice in development.
    if (token && !started.current) {
      started.current = true;
      void verify(token);
    }
  }, [token]);

  if (state.kind === "done") {
    return (
      <section className="auth-card" aria-labelledby="verify-title">
        <h1 id="verify-title">Email verified</h1>
        <p>
          <strong>{state.email}</strong> is confirmed.
        </p>
        <Link className="btn btn-block" to={accessToken ? "/" : "/login"}>
          {accessToken ? "Go to the dashboard" : "Log in"}
        </Link>
      </section>
    );
  }

  return (
    <section className="auth-card" aria-labelledby="verify-title">
      <h1 id="verify-title">Verify your email</h1>
      {state.kind === "verifying" && (
        <p role="status" className="muted">
          Checking your link…
        </p>
      )}
      {state.kind === "failed" && (
        <FormError
          error={`${state.message} Ask for a new email from the sign-up page, or paste the code below.`}
        />
      )}
      {state.kind !== "verifying" && (
        <form onSubmit={form.handleSubmit(({ token: value }) => verify(value))} noValidate>
          <TextField
            label="Verification code"
            hint="The code is the part after token= in the link we emailed you."
            autoComplete="one-time-code"
            error={form.formState.errors.token?.message}
            {...form.register("token")}
          />
          <button type="submit" className="btn btn-block">
            Verify email
          </button>
        </form>
      )}
      <div className="auth-links">
        <Link to="/login">Back to log in</Link>
      </div>
    </section>
  );
}
