import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQuery } from "@tanstack/react-query";
import { ApiError, checkout, errorMessage } from "../api/client";
import type { CheckoutPayment, Mode } from "../api/types";
import { formatMoney } from "../lib/money";
import { FormError, TextField } from "../ui/Field";

const loginSchema = z.object({
  email: z.string().trim().email("Enter a valid email address"),
  password: z.string().min(1, "Enter your password"),
  totpCode: z.string().optional(),
});
type LoginValues = z.infer<typeof loginSchema>;

interface Props {
  payment: CheckoutPayment;
  error: string | null;
  busy: boolean;
  onPay: (walletId: string, accessToken: string) => Promise<void>;
}

export function WalletPanel({ payment, error, busy, onPay }: Props) {
  const [token, setToken] = useState<string | null>(null);
  const [needsCode, setNeedsCode] = useState(false);
  const [loginError, setLoginError] = useState<string | null>(null);
  const [walletId, setWalletId] = useState<string>("");
  const mode: Mode = payment.mode ?? "test";
  const form = useForm<LoginValues>({ resolver: zodResolver(loginSchema) });
  const walletsQuery = useQuery({
    queryKey: ["checkout-wallets", token, mode],
    queryFn: async () => (await checkout.wallets(token as string, mode)).data,
    enabled: !!token,
  });

  if (!token) {
    return (
      <form
        noValidate
        aria-label="Log in to pay from your Expe wallet"
        onSubmit={form.handleSubmit(async (values) => {
          setLoginError(null);
          try {
            const pair = await checkout.login({
              email: values.email,
              password: values.password,
              ...(values.totpCode ? { totpCode: values.totpCode } : {}),
            });
            setToken(pair.accessToken);
          } catch (failure) {
            if (failure instanceof ApiError && failure.code === "two_factor_required") {
              setNeedsCode(true);
              setLoginError(
                needsCode
                  ? "That code is wrong or was already used."
                  : "Enter the code from your authenticator app.",
              );
            } else setLoginError(errorMessage(failure));
          }
        })}
      >
        <p>Log in to your Expe account to pay from your wallet balance.</p>
        <FormError error={loginError} />
        <TextField
          label="Wallet email"
          type="email"
          autoComplete="email"
          error={form.formState.errors.email?.message}
          {...form.register("email")}
        />
        <TextField
          label="Wallet password"
          type="password"
          autoComplete="current-password"
          error={form.formState.errors.password?.message}
          {...form.register("password")}
        />
        {needsCode && (
          <TextField
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            {...form.register("totpCode")}
          />
        )}
        <button type="submit" className="btn btn-block" disabled={form.formState.isSubmitting}>
          Log in to pay
        </button>
      </form>
    );
  }

  const usable = (walletsQuery.data ?? []).filter((wallet) => wallet.currency === payment.currency);
  const chosen = walletId || usable[0]?.id || "";
  return (
    <div className="stack">
      <FormError
        error={error ?? (walletsQuery.isError ? errorMessage(walletsQuery.error) : null)}
      />
      {walletsQuery.isPending && <p role="status">Loading your wallets…</p>}
      {walletsQuery.isSuccess && usable.length === 0 && (
        <p className="alert alert-info">
          You have no {payment.currency} wallet in {mode} mode. Open one and top it up from the Expe
          dashboard.
        </p>
      )}
      {usable.length > 0 && (
        <fieldset>
          <legend>Pay from</legend>
          {usable.map((wallet) => (
            <div className="check" key={wallet.id}>
              <input
                type="radio"
                name="wallet"
                id={`wallet-${wallet.id}`}
                value={wallet.id}
                checked={chosen === wallet.id}
                onChange={() => setWalletId(wallet.id)}
              />
              <label htmlFor={`wallet-${wallet.id}`}>
                {wallet.currency} wallet · {formatMoney(wallet.available, wallet.currency)}{" "}
                available
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <button
        type="button"
        className="btn btn-block"
        disabled={busy || !chosen}
        onClick={() => void onPay(chosen, token)}
      >
        {busy ? "Paying…" : `Pay ${formatMoney(payment.amount, payment.currency)} from wallet`}
      </button>
    </div>
  );
}
