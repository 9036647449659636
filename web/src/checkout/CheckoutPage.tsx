import { useEffect, useMemo, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocation, useParams } from "react-router";
import { ApiError, checkout, errorMessage } from "../api/client";
import type { CheckoutPayment, PaymentMethod } from "../api/types";
import { LiveConnection } from "../live/connection";
import type { LiveStatus } from "../live/connection";
import { formatMoney } from "../lib/money";
import { browserTimeZone, formatDateTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { Skeleton } from "../ui/Skeleton";
import { CardForm } from "./CardForm";
import { Frame, ResultIcon } from "./Frame";
import { returnTarget, secretFromHash } from "./returnUrl";
import { UpiPanel } from "./UpiPanel";
import { WalletPanel } from "./WalletPanel";

const METHOD_LABELS: Record<PaymentMethod, string> = {
  card: "Card",
  upi_qr: "UPI",
  wallet: "Wallet",
};
const FINAL = new Set(["succeeded", "failed", "canceled", "expired"]);
const REDIRECT_SECONDS = 5;

function useCountdown(active: boolean, seconds: number): number {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setLeft((value) => Math.max(0, value - 1)), 1000);
    return () => clearInterval(timer);
  }, [active, seconds]);
  return left;
}

const FAILURES: Record<string, string> = {
  card_declined: "The card was declined.",
  insufficient_funds: "There was not enough money for this payment.",
  expired_card: "The card has expired.",
  incorrect_cvc: "The security code is incorrect.",
  processing_error: "The card could not be processed.",
  upi_declined: "The UPI payment was declined.",
};

function Final({ payment }: { payment: CheckoutPayment }) {
  const target = payment.returnUrl
    ? returnTarget(payment.returnUrl, payment.id, payment.status)
    : null;
  const left = useCountdown(!!target, REDIRECT_SECONDS);
  useEffect(() => {
    if (target && left === 0) window.location.assign(target);
  }, [target, left]);
  const ok = payment.status === "succeeded";
  const heading = {
    succeeded: "Payment successful",
    failed: "Payment failed",
    canceled: "Payment canceled",
    expired: "This payment link has expired",
  }[payment.status as "succeeded" | "failed" | "canceled" | "expired"];
  return (
    <div className="result">
      <ResultIcon ok={ok} />
      <div role="status">
        <h2>{heading}</h2>
      </div>
      <p className="checkout-amount">{formatMoney(payment.amount, payment.currency)}</p>
      {payment.status === "failed" && (
        <p>
          {FAILURES[payment.failureCode ?? ""] ?? "The payment did not go through."} No money was
          taken.
        </p>
      )}
      {payment.status === "canceled" && (
        <p>The merchant canceled this payment. Nothing was charged.</p>
      )}
      {payment.status === "expired" && <p>Ask the merchant for a new payment link.</p>}
      <p className="muted small">
        Order {payment.orderId} · <Id value={payment.id} label="payment ID" />
      </p>
      {target && (
        <p>
          Returning you to {payment.merchant?.name ?? "the merchant"} in {left} s…{" "}
          <a href={target}>Return now</a>
        </p>
      )}
    </div>
  );
}

export function CheckoutPage() {
  const { paymentId = "" } = useParams();
  const location = useLocation();
  const secret = useMemo(() => secretFromHash(location.hash), [location.hash]);
  const client = useQueryClient();
  const [live, setLive] = useState<LiveStatus>("connecting");
  const [method, setMethod] = useState<PaymentMethod | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const queryKey = useMemo(() => ["checkout", paymentId], [paymentId]);

  const query = useQuery({
    queryKey,
    queryFn: () => checkout.get(paymentId, secret as string),
    enabled: !!secret && !!paymentId,
    retry: (count, failure) => !(failure instanceof ApiError && failure.status < 500) && count < 2,
    refetchInterval: (q) => {
      const status = q.state.data?.status;
      if (!status || FINAL.has(status)) return false;
      return live === "connected" ? false : 2000;
    },
  });
  const payment = query.data;
  const final = payment ? FINAL.has(payment.status) : false;

  useEffect(() => {
    if (!secret || !paymentId || final) return;
    const connection = new LiveConnection({
      auth: async () => ({ type: "auth", clientSecret: secret, paymentId }),
      onEvent: (event) => {
        if (!event.data.paymentId || event.data.paymentId === paymentId)
          void client.invalidateQueries({ queryKey });
      },
      onStatus: setLive,
      onReset: () => void client.invalidateQueries({ queryKey }),
    });
    connection.start();
    return () => connection.stop();
  }, [secret, paymentId, final, client, queryKey]);

  const merchantName = payment?.merchant?.name ?? "Expe checkout";
  const invalid =
    !secret ||
    (query.error instanceof ApiError && [400, 401, 403, 404].includes(query.error.status));

  if (invalid) {
    return (
      <Frame title="Payment link invalid">
        <div className="result">
          <ResultIcon ok={false} />
          <h1>This payment link is invalid</h1>
          <p>
            The link is incomplete or wrong. Open the exact link the merchant sent you, or ask them
            for a new one.
          </p>
        </div>
      </Frame>
    );
  }
  if (query.isPending) {
    return (
      <Frame title="Checkout">
        <div className="checkout-head" role="status" aria-label="Loading payment">
          <h1 className="visually-hidden">Loading payment</h1>
          <Skeleton width="50%" />
          <Skeleton width="40%" height="2rem" />
        </div>
        <div className="checkout-body">
          <Skeleton width="100%" height="2.4rem" />
          <Skeleton width="100%" height="2.4rem" />
        </div>
      </Frame>
    );
  }
  if (!payment) {
    return (
      <Frame title="Checkout unavailable">
        <div className="result">
          <h1>We could not load this payment</h1>
          <p>{errorMessage(query.error)}</p>
          <button type="button" className="btn" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      </Frame>
    );
  }

  const methods = payment.allowedMethods.length
    ? payment.allowedMethods
    : (["card"] as PaymentMethod[]);
  const current: PaymentMethod =
    method && methods.includes(method)
      ? method
      : payment.status === "processing" && methods.includes("upi_qr")
        ? "upi_qr"
        : methods[0]!;

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      if (result && typeof result === "object" && "status" in result) {
        client.setQueryData<CheckoutPayment>(queryKey, (old) =>
          old ? { ...old, ...(result as Partial<CheckoutPayment>) } : old,
        );
      }
    } catch (failure) {
      setError(
        failure instanceof ApiError
          ? (FAILURES[failure.code] ?? failure.message)
          : errorMessage(failure),
      );
    } finally {
      setBusy(false);
      void client.invalidateQueries({ queryKey });
    }
  };

  return (
    <Frame title={`Pay ${merchantName}`}>
      <div className="checkout-head">
        <div className="spread">
          <h1>{merchantName}</h1>
          {payment.mode !== "live" && <span className="badge badge-warning">Test mode</span>}
        </div>
        <p
          className="checkout-amount"
          aria-label={`Amount ${formatMoney(payment.amount, payment.currency)}`}
        >
          {formatMoney(payment.amount, payment.currency)}
        </p>
        {payment.description && <p>{payment.description}</p>}
        <p className="muted small">
          Order {payment.orderId}
          {!final && <> · Pay by {formatDateTime(payment.expiresAt, browserTimeZone())}</>}
        </p>
      </div>
      <div className="checkout-body">
        {final ? (
          <Final payment={payment} />
        ) : (
          <>
            {methods.length > 1 && payment.status !== "processing" && (
              <div className="method-tabs" role="group" aria-label="Payment method">
                {methods.map((item) => (
                  <button
                    type="button"
                    key={item}
                    aria-pressed={current === item}
                    onClick={() => {
                      setMethod(item);
                      setError(null);
                    }}
                  >
                    {METHOD_LABELS[item]}
                  </button>
                ))}
              </div>
            )}
            {current === "card" && (
              <CardForm
                payment={payment}
                error={error}
                onPay={(card) =>
                  run(() => checkout.confirm(payment.id, secret, { method: "card", card }))
                }
              />
            )}
            {current === "upi_qr" && (
              <UpiPanel
                payment={payment}
                error={error}
                busy={busy}
                onStart={() =>
                  run(() => checkout.confirm(payment.id, secret, { method: "upi_qr" }))
                }
                onSimulate={(outcome) =>
                  run(() => checkout.simulateUpi(payment.id, secret, outcome))
                }
              />
            )}
            {current === "wallet" && (
              <WalletPanel
                payment={payment}
                error={error}
                busy={busy}
                onPay={(walletId, token) =>
                  run(() =>
                    checkout.confirm(
                      payment.id,
                      secret,
                      { method: "wallet", walletId },
                      token,
                      payment.mode,
                    ),
                  )
                }
              />
            )}
          </>
        )}
      </div>
    </Frame>
  );
}
