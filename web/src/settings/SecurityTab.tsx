import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { auth, errorMessage } from "../api/client";
import { qk } from "../api/keys";
import type { TwoFactorEnrolment } from "../api/types";
import { newPassword } from "../account/schemas";
import { useApiError } from "../account/useApiForm";
import { useMe, useTimeZone } from "../auth/hooks";
import { session } from "../auth/session";
import { formatDateTime } from "../lib/time";
import { CopyButton } from "../ui/CopyButton";
import { FormError, TextField } from "../ui/Field";
import { Pagination } from "../ui/Pagination";
import { useToast } from "../ui/toast";

const passwordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password"),
    newPassword,
    confirm: z.string(),
  })
  .refine((v) => v.newPassword === v.confirm, {
    path: ["confirm"],
    message: "The passwords do not match",
  })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ["newPassword"],
    message: "Choose a password you have not used here",
  });
type PasswordValues = z.infer<typeof passwordSchema>;

function PasswordCard() {
  const toast = useToast();
  const form = useForm<PasswordValues>({ resolver: zodResolver(passwordSchema) });
  const { formError, report } = useApiError(form.setError, ["currentPassword", "newPassword"]);
  const { errors, isSubmitting } = form.formState;
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form
        noValidate
        onSubmit={form.handleSubmit(async (values) => {
          try {
            await auth.changePassword(values.currentPassword, values.newPassword);
            form.reset({ currentPassword: "", newPassword: "", confirm: "" });
            toast.success("Password changed. Your other sessions were signed out.");
          } catch (error) {
            report(error);
          }
        })}
      >
        <FormError error={formError} />
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword?.message}
          {...form.register("currentPassword")}
        />
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
        <button type="submit" className="btn" disabled={isSubmitting}>
          Change password
        </button>
      </form>
    </section>
  );
}

const codeSchema = z.object({ code: z.string().trim().min(6, "Enter the 6-digit code").max(64) });

function TwoFactorCard() {
  const me = useMe();
  const client = useQueryClient();
  const toast = useToast();
  const [enrolment, setEnrolment] = useState<TwoFactorEnrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [disabling, setDisabling] = useState(false);
  const form = useForm<{ code: string }>({ resolver: zodResolver(codeSchema) });
  const enabled = me?.twoFactorEnabled ?? false;

  const refreshMe = async () => {
    const { user } = await auth.me();
    client.setQueryData(qk.me, user);
    session.setUser(user);
  };

  if (codes) {
    return (
      <section className="card" aria-labelledby="twofa-title">
        <h2 id="twofa-title">Two-step verification is on</h2>
        <p>
          Save these recovery codes somewhere safe. Each one logs you in once if you lose your
          phone; they will not be shown again.
        </p>
        <ul className="codes mono" aria-label="Recovery codes">
          {codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ul>
        <div className="row">
          <CopyButton value={codes.join("\n")} label="recovery codes" />
          <button type="button" className="btn" onClick={() => setCodes(null)}>
            I saved my recovery codes
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="twofa-title">
      <h2 id="twofa-title">Two-step verification</h2>
      <FormError error={error} />
      {enabled && !disabling && (
        <div className="spread">
          <p>
            <span className="badge badge-success">On</span> Logging in asks for a code from your
            authenticator app.
          </p>
          <button type="button" className="btn btn-danger" onClick={() => setDisabling(true)}>
            Turn off two-step verification
          </button>
        </div>
      )}
      {!enabled && !enrolment && (
        <div className="spread">
          <p>
            Protect your account with a code from an authenticator app (Google Authenticator,
            1Password, Authy) at every login.
          </p>
          <button
            type="button"
            className="btn"
            onClick={async () => {
              setError(null);
              try {
                setEnrolment(await auth.enrollTwoFactor());
              } catch (failure) {
                setError(errorMessage(failure));
              }
            }}
          >
            Set up two-step verification
          </button>
        </div>
      )}
      {(enrolment || disabling) && (
        <form
          noValidate
          onSubmit={form.handleSubmit(async ({ code }) => {
            setError(null);
            try {
              if (disabling) {
                await auth.disableTwoFactor(code);
                setDisabling(false);
                toast.success("Two-step verification turned off");
              } else {
                const result = await auth.confirmTwoFactor(code.replace(/\s/g, ""));
                setEnrolment(null);
                setCodes(result.recoveryCodes);
              }
              form.reset({ code: "" });
              await refreshMe();
            } catch (failure) {
              form.setError("code", { type: "server", message: errorMessage(failure) });
            }
          })}
        >
          {enrolment && (
            <div className="stack">
              <p>1. Scan this QR code with your authenticator app, or enter the key by hand.</p>
              <img
                src={enrolment.qrCodePng}
                alt="QR code to add Expe to your authenticator app"
                width={200}
                height={200}
                className="qr"
              />
              <p className="small">
                Key: <code data-testid="totp-secret">{enrolment.secret}</code>{" "}
                <CopyButton value={enrolment.secret} label="setup key" />
              </p>
              <details>
                <summary>Setup link (otpauth URI)</summary>
                <code className="small" data-testid="otpauth-uri">
                  {enrolment.otpauthUri}
                </code>
              </details>
              <p>2. Enter the 6-digit code the app shows.</p>
            </div>
          )}
          {disabling && (
            <p>
              Enter a code from your authenticator app, or a recovery code, to turn two-step
              verification off.
            </p>
          )}
          <TextField
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            error={form.formState.errors.code?.message}
            {...form.register("code")}
          />
          <div className="row">
            <button
              type="submit"
              className={disabling ? "btn btn-danger" : "btn"}
              disabled={form.formState.isSubmitting}
            >
              {disabling ? "Turn off" : "Turn on two-step verification"}
            </button>
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => {
                setEnrolment(null);
                setDisabling(false);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function SecurityLog() {
  const zone = useTimeZone();
  const [page, setPage] = useState(1);
  const query = useQuery({ queryKey: qk.userAudit(page), queryFn: () => auth.auditLogs(page) });
  return (
    <section className="card" aria-labelledby="security-log-title">
      <h2 id="security-log-title">Recent security events</h2>
      {query.isPending && <p role="status">Loading…</p>}
      {query.isError && <p className="alert alert-error">{errorMessage(query.error)}</p>}
      {query.data && (
        <>
          <ul className="list-plain small">
            {query.data.data.map((event) => (
              <li key={event.id} className="spread">
                <span>
                  <code>{event.action}</code>{" "}
                  {event.ip && <span className="muted">from {event.ip}</span>}
                </span>
                <span>{formatDateTime(event.at, zone)}</span>
              </li>
            ))}
          </ul>
          <Pagination {...query.data} onPage={setPage} label="Security event pages" />
        </>
      )}
    </section>
  );
}

export function SecurityTab() {
  return (
    <div>
      <PasswordCard />
      <TwoFactorCard />
      <SecurityLog />
    </div>
  );
}
