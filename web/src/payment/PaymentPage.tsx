import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { QRCodeSVG } from "qrcode.react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, errorMessage, payments } from "../api/client";
import { qk } from "../api/keys";
import type { Payment } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { CopyButton, Id } from "../ui/CopyButton";
import { EmptyState } from "../ui/EmptyState";
import { ConfirmActions } from "../ui/ConfirmActions";
import { Modal } from "../ui/Modal";
import { CardSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useToast } from "../ui/toast";
import { DetailsCard, type DetailRow } from "../ui/DetailsCard";
import { useWorkspace } from "../workspace/hooks";
import { disputePath } from "../disputes/labels";
import { disputable, SimulateDisputeDialog } from "../disputes/SimulateDisputeDialog";
import { brandName, methodLabel } from "./labels";
import { PaymentWebhooksCard } from "./PaymentWebhooksCard";
import { refundable, RefundDialog } from "./RefundDialog";

function Details({ payment, zone }: { payment: Payment; zone: string }) {
  const rows: DetailRow[] = [
    ["Payment ID", <Id value={payment.id} label="payment ID" />],
    ["Order ID", <Id value={payment.orderId} label="order ID" />],
    ["Status", <StatusBadge status={payment.status} />],
    ["Amount", <span className="amount">{formatMoney(payment.amount, payment.currency)}</span>],
    [
      "Refunded",
      <span className="amount">{formatMoney(payment.amountRefunded, payment.currency)}</span>,
    ],
    ["Currency", payment.currency],
    ["Mode", payment.mode],
    ["Merchant", <Id value={payment.merchantId} label="merchant ID" />],
    ["Method", methodLabel(payment.method, payment.card)],
    ["Allowed methods", payment.allowedMethods.map((m) => methodLabel(m)).join(", ")],
    ["Description", payment.description || "—"],
    ["Customer email", payment.customer?.email ?? "—"],
    ["Created", formatDateTime(payment.createdAt, zone)],
    ["Updated", formatDateTime(payment.updatedAt, zone)],
    ["Expires", formatDateTime(payment.expiresAt, zone)],
  ];
  if (payment.card)
    rows.push([
      "Card",
      `${brandName(payment.card.brand)} •••• ${payment.card.last4}, expires ${String(payment.card.expMonth).padStart(2, "0")}/${payment.card.expYear}`,
    ]);
  if (payment.card)
    rows.push([
      "Card fingerprint",
      <Id value={payment.card.fingerprint} label="card fingerprint" />,
    ]);
  if (payment.walletId)
    rows.push(["Customer wallet", <Id value={payment.walletId} label="wallet ID" />]);
  if (payment.merchantWalletId)
    rows.push(["Merchant wallet", <Id value={payment.merchantWalletId} label="wallet ID" />]);
  if (payment.failureCode)
    rows.push([
      "Failure",
      `${payment.failureCode}${payment.failureMessage ? `: ${payment.failureMessage}` : ""}`,
    ]);
  rows.push([
    "Checkout URL",
    <span className="copy">
      <a href={payment.checkoutUrl} target="_blank" rel="noreferrer">
        Open checkout
      </a>
      <CopyButton value={payment.checkoutUrl} label="checkout URL" />
    </span>,
  ]);
  return <DetailsCard id="payment-details" rows={rows} metadata={payment.metadata} />;
}

function Timeline({ paymentId, zone }: { paymentId: string; zone: string }) {
  const scope = useWorkspace();
  const poll = usePollWhenOffline(5000);
  const query = useQuery({
    queryKey: qk.paymentHistory(scope, paymentId),
    queryFn: () => payments.history(paymentId),
    refetchInterval: poll,
  });
  return (
    <section className="card" aria-labelledby="payment-timeline">
      <h2 id="payment-timeline">Timeline</h2>
      {query.isPending && <p role="status">Loading the timeline…</p>}
      {query.isError && <p className="alert alert-error">{errorMessage(query.error)}</p>}
      {query.data && (
        <ol className="timeline">
          {query.data.data.map((step) => (
            <li key={`${step.to}-${step.at}`}>
              <div>
                <StatusBadge status={step.to} />{" "}
                {step.from ? <span className="muted small">from {step.from}</span> : null}
              </div>
              <div className="small">
                {formatDateTime(step.at, zone)} · {step.cause.replace(/_/g, " ")} · by{" "}
                {step.actor.type}
                {step.actor.id ? ` ${step.actor.id}` : ""}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Refunds({ paymentId, zone }: { paymentId: string; zone: string }) {
  const scope = useWorkspace();
  const query = useQuery({
    queryKey: qk.paymentRefunds(scope, paymentId),
    queryFn: () => payments.refunds(paymentId),
  });
  return (
    <section className="card" aria-labelledby="payment-refunds">
      <h2 id="payment-refunds">Refunds</h2>
      {query.isPending && <p role="status">Loading refunds…</p>}
      {query.isError && <p className="alert alert-error">{errorMessage(query.error)}</p>}
      {query.data && query.data.data.length === 0 && <p className="muted">No refunds.</p>}
      {query.data && query.data.data.length > 0 && (
        <ul className="list-plain">
          {query.data.data.map((refund) => (
            <li key={refund.id}>
              <div className="spread">
                <strong className="amount">{formatMoney(refund.amount, refund.currency)}</strong>
                <StatusBadge status={refund.status} />
              </div>
              <div className="small">
                <Id value={refund.id} label="refund ID" /> ·{" "}
                {formatDateTime(refund.createdAt, zone)}
              </div>
              {refund.reason && <div className="small muted">{refund.reason}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PaymentPage() {
  const { id = "" } = useParams();
  usePageTitle(`Payment ${id}`);
  const zone = useTimeZone();
  const scope = useWorkspace();
  const client = useQueryClient();
  const toast = useToast();
  const poll = usePollWhenOffline(5000);
  const [refundOpen, setRefundOpen] = useState(false);
  const [cancelOpen, setCancelOpen] = useState(false);
  const [simulateOpen, setSimulateOpen] = useState(false);
  const navigate = useNavigate();
  const query = useQuery({
    queryKey: qk.payment(scope, id),
    queryFn: () => payments.get(id),
    refetchInterval: poll,
  });
  const payment = query.data;

  if (query.isPending) {
    return (
      <div className="page">
        <h1>Payment</h1>
        <CardSkeleton />
        <CardSkeleton />
      </div>
    );
  }
  if (!payment) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        <h1>{missing ? "Payment not found" : "Payment"}</h1>
        <EmptyState
          illustration={missing ? "search" : "error"}
          title={
            missing ? `No payment ${id} in ${scope.mode} mode` : "The payment could not be loaded"
          }
          action={
            <Link className="btn" to="/transactions">
              Back to transactions
            </Link>
          }
        >
          {!missing && <p>{errorMessage(query.error)}</p>}
        </EmptyState>
      </div>
    );
  }

  const left = refundable(payment);
  const cancelable = payment.status === "created" || payment.status === "processing";
  const simulable = scope.mode === "test" && disputable(payment) > 0;
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["payment", id] });
    void client.invalidateQueries({ queryKey: ["payments"] });
    void client.invalidateQueries({ queryKey: ["payment-webhooks", id] });
  };

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="small">
        <Link to="/transactions">Transactions</Link> / <span className="mono">{payment.id}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            <span className="amount">{formatMoney(payment.amount, payment.currency)}</span>{" "}
            <StatusBadge status={payment.status} />
          </h1>
          <p className="muted">
            Order {payment.orderId} · <Id value={payment.id} label="payment ID" />
          </p>
        </div>
        <div className="row">
          {left > 0 && (
            <button type="button" className="btn" onClick={() => setRefundOpen(true)}>
              Refund
            </button>
          )}
          {cancelable && (
            <button type="button" className="btn btn-danger" onClick={() => setCancelOpen(true)}>
              Cancel payment
            </button>
          )}
          {simulable && (
            <button
              type="button"
              className="btn btn-secondary"
              onClick={() => setSimulateOpen(true)}
            >
              Simulate a dispute
            </button>
          )}
        </div>
      </div>
      <div className="two-col">
        <div>
          <Details payment={payment} zone={zone} />
          <Refunds paymentId={payment.id} zone={zone} />
          <PaymentWebhooksCard paymentId={payment.id} zone={zone} />
        </div>
        <div>
          <Timeline paymentId={payment.id} zone={zone} />
          <section className="card" aria-labelledby="payment-qr">
            <h2 id="payment-qr">UPI QR code</h2>
            <div className="qr">
              <QRCodeSVG
                value={payment.qrPayload}
                size={180}
                marginSize={0}
                role="img"
                aria-label={`UPI QR code for ${formatMoney(payment.amount, payment.currency)}`}
              />
            </div>
            <p className="small">
              <CopyButton value={payment.qrPayload} label="UPI payload" /> Copy the UPI link
            </p>
          </section>
        </div>
      </div>
      <RefundDialog
        payment={payment}
        open={refundOpen}
        onClose={() => setRefundOpen(false)}
        onRefunded={(refund) => {
          setRefundOpen(false);
          toast.success(`Refunded ${formatMoney(refund.amount, refund.currency)}`);
          refresh();
        }}
      />
      {simulateOpen && (
        <SimulateDisputeDialog
          payment={payment}
          onClose={() => setSimulateOpen(false)}
          onOpened={(dispute) => {
            toast.success("Dispute opened");
            refresh();
            void client.invalidateQueries({ queryKey: ["disputes"] });
            navigate(disputePath(dispute.id));
          }}
        />
      )}
      <Modal open={cancelOpen} title="Cancel this payment?" onClose={() => setCancelOpen(false)}>
        <p>The customer will no longer be able to pay it. This cannot be undone.</p>
        <ConfirmActions
          confirmLabel="Cancel payment"
          done="Payment canceled"
          action={() => payments.cancel(payment.id)}
          onDone={() => {
            setCancelOpen(false);
            refresh();
          }}
          onKeep={() => setCancelOpen(false)}
        />
      </Modal>
    </div>
  );
}
