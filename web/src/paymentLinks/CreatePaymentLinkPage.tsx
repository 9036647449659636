import { useLayoutEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import type { PaymentLink } from "../api/types";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { CopyButton } from "../ui/CopyButton";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";
import { amountLabel } from "./labels";
import { PaymentLinkForm } from "./PaymentLinkForm";

function Created({ link, onAnother }: { link: PaymentLink; onAnother: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The form the user submitted is gone: the news takes the focus, so it is read out.
  useLayoutEffect(() => heading.current?.focus(), []);
  return (
    <section className="card" aria-labelledby="created-title">
      <h2 id="created-title" ref={heading} tabIndex={-1}>
        Payment link created
      </h2>
      <p>
        {link.description} · {amountLabel(link)}. Send this address to your customers:
      </p>
      <div className="secret-box">
        <a href={link.url} target="_blank" rel="noreferrer" className="mono">
          {link.url}
        </a>
        <CopyButton value={link.url} label="payment link URL" />
      </div>
      <div className="row section">
        <Link className="btn" to={`/payment-links/${encodeURIComponent(link.id)}`}>
          View payment link
        </Link>
        <button type="button" className="btn btn-secondary" onClick={onAnother}>
          Create another
        </button>
      </div>
    </section>
  );
}

export function CreatePaymentLinkPage() {
  usePageTitle("Create a payment link");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const merchant = useCurrentMerchant();
  const client = useQueryClient();
  const [created, setCreated] = useState<PaymentLink | null>(null);
  // A new form (new Idempotency-Key, empty fields) for each link.
  const [formKey, setFormKey] = useState(0);

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="small">
        <Link to="/payment-links">Payment links</Link> / <span>New</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>Create a payment link</h1>
          <p className="muted">
            A page at its own address where customers pay you, in {scope.mode} mode; no code needed.
          </p>
        </div>
      </div>
      {created ? (
        <Created
          link={created}
          onAnother={() => {
            setCreated(null);
            setFormKey((key) => key + 1);
          }}
        />
      ) : (
        <section className="card">
          <PaymentLinkForm
            key={formKey}
            defaultCurrency={merchant?.defaultCurrency ?? "INR"}
            zone={zone}
            onCreated={(link) => {
              void client.invalidateQueries({ queryKey: ["payment-links"] });
              setCreated(link);
            }}
          />
        </section>
      )}
    </div>
  );
}
