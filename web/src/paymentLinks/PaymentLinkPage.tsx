import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { ApiError, errorMessage, paymentLinks } from "../api/client";
import { qk } from "../api/keys";
import type { PaymentLink } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatMoney } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { ConfirmActions } from "../ui/ConfirmActions";
import { CopyButton, Id } from "../ui/CopyButton";
import { EmptyState } from "../ui/EmptyState";
import { Modal } from "../ui/Modal";
import { CardSkeleton } from "../ui/Skeleton";
import { Stat } from "../ui/Stat";
import { StatusBadge } from "../ui/StatusBadge";
import { DetailsCard, type DetailRow } from "../ui/DetailsCard";
import { useWorkspace } from "../workspace/hooks";
import { amountLabel, boundsLabel, formatRatio, usageLabel, usesLabel } from "./labels";
import { LinkPayments } from "./LinkPayments";

function Details({ link, zone }: { link: PaymentLink; zone: string }) {
  const money = (minor: number | null) =>
    minor === null ? "—" : formatMoney(minor, link.currency);
  const rows: DetailRow[] = [
    ["Payment link ID", <Id value={link.id} label="payment link ID" />],
    ["Slug", <Id value={link.slug} label="slug" />],
    ["Status", <StatusBadge status={link.status} />],
    ["Mode", link.mode],
    ["Amount", <span className="amount">{amountLabel(link)}</span>],
  ];
  if (link.amount === null) {
    rows.push(["Minimum amount", money(link.minAmount)], ["Maximum amount", money(link.maxAmount)]);
  }
  rows.push(
    ["Currency", link.currency],
    ["Payments", usageLabel(link)],
    ["Paid / max uses", usesLabel(link)],
    ["Expires", link.expiresAt ? formatDateTime(link.expiresAt, zone) : "Never"],
    ["Created", formatDateTime(link.createdAt, zone)],
    ["Updated", formatDateTime(link.updatedAt, zone)],
  );
  if (link.deactivatedAt) rows.push(["Deactivated", formatDateTime(link.deactivatedAt, zone)]);
  return <DetailsCard id="link-details" rows={rows} metadata={link.metadata} />;
}

function Stats({ link }: { link: PaymentLink }) {
  const { stats } = link;
  return (
    <div className="grid-cards" aria-label="Figures of the link" role="group">
      <Stat label="Views" value={String(stats.views)} note="Times the page was opened" />
      <Stat label="Payments started" value={String(stats.paymentsStarted)} />
      <Stat label="Paid" value={String(stats.paid)} />
      <Stat label="Conversion" value={formatRatio(stats.conversion)} note="Paid per view" />
      <Stat label="Revenue" value={formatMoney(stats.revenue, link.currency)} />
    </div>
  );
}

export function PaymentLinkPage() {
  const { id = "" } = useParams();
  usePageTitle(`Payment link ${id}`);
  const zone = useTimeZone();
  const scope = useWorkspace();
  const client = useQueryClient();
  const poll = usePollWhenOffline(5000);
  const [confirming, setConfirming] = useState(false);
  const query = useQuery({
    queryKey: qk.paymentLink(scope, id),
    queryFn: () => paymentLinks.get(id),
    refetchInterval: poll,
  });
  const link = query.data;

  if (query.isPending) {
    return (
      <div className="page">
        <h1>Payment link</h1>
        <CardSkeleton />
        <CardSkeleton />
      </div>
    );
  }
  if (!link) {
    const missing = query.error instanceof ApiError && query.error.status === 404;
    return (
      <div className="page">
        <h1>{missing ? "Payment link not found" : "Payment link"}</h1>
        <EmptyState
          illustration={missing ? "search" : "error"}
          title={
            missing
              ? `No payment link ${id} in ${scope.mode} mode`
              : "The payment link could not be loaded"
          }
          action={
            <Link className="btn" to="/payment-links">
              Back to payment links
            </Link>
          }
        >
          {!missing && <p>{errorMessage(query.error)}</p>}
        </EmptyState>
      </div>
    );
  }

  const bounds = boundsLabel(link);
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="small">
        <Link to="/payment-links">Payment links</Link> / <span className="mono">{link.id}</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>
            {link.description} <StatusBadge status={link.status} />
          </h1>
          <p className="muted">
            <span className="amount">{amountLabel(link)}</span>
            {bounds && ` (${bounds.toLowerCase()})`} · {usageLabel(link)}
          </p>
        </div>
        {link.status === "active" && (
          <div className="row">
            <button type="button" className="btn btn-danger" onClick={() => setConfirming(true)}>
              Deactivate
            </button>
          </div>
        )}
      </div>

      <section className="card" aria-labelledby="link-url">
        <h2 id="link-url">Public page</h2>
        <div className="secret-box">
          <a href={link.url} target="_blank" rel="noreferrer" className="mono">
            {link.url}
          </a>
          <CopyButton value={link.url} label="payment link URL" />
        </div>
      </section>
      <Stats link={link} />
      <Details link={link} zone={zone} />
      <LinkPayments linkId={link.id} zone={zone} />

      <Modal
        open={confirming}
        title="Deactivate this payment link?"
        onClose={() => setConfirming(false)}
      >
        <p>
          Customers who open it are told it is no longer active, and it takes no new payments. This
          cannot be undone.
        </p>
        <ConfirmActions
          confirmLabel="Deactivate link"
          done="Payment link deactivated"
          action={async () => {
            client.setQueryData(qk.paymentLink(scope, id), await paymentLinks.deactivate(id));
          }}
          onDone={() => {
            setConfirming(false);
            void client.invalidateQueries({ queryKey: ["payment-links"] });
          }}
          onKeep={() => setConfirming(false)}
        />
      </Modal>
    </div>
  );
}
