import { useLayoutEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { ApiError, checkout, errorMessage } from "../api/client";
import { formatMoney } from "../lib/money";
import { Skeleton } from "../ui/Skeleton";
import { Frame, ResultIcon } from "./Frame";
import { CLOSURES, closureOfError, closureOfStatus } from "./link";
import type { LinkClosure } from "./link";
import { PayLinkForm } from "./PayLinkForm";

function Closed({ closure, announce }: { closure: LinkClosure; announce: boolean }) {
  const { title, text } = CLOSURES[closure];
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    // The Pay button that had the focus is gone: the reason takes it, and is read out.
    if (announce) heading.current?.focus();
  }, [announce]);
  return (
    <Frame title={title}>
      <div className="result" role={announce ? "alert" : undefined}>
        <ResultIcon ok={false} />
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        <p>{text}</p>
      </div>
    </Frame>
  );
}

export function PayLinkPage() {
  const { slug = "" } = useParams();
  const [closedByPress, setClosedByPress] = useState<LinkClosure | null>(null);
  const query = useQuery({
    queryKey: ["checkout-link", slug],
    queryFn: () => checkout.link(slug),
    enabled: !!slug,
    // Every load counts a view: the page loads the link once, not on each focus or remount.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: (count, failure) => !(failure instanceof ApiError && failure.status < 500) && count < 2,
  });
  const link = query.data;

  if (closedByPress) return <Closed closure={closedByPress} announce />;
  const closedOnLoad = link ? closureOfStatus(link.status) : closureOfError(query.error);
  if (closedOnLoad) return <Closed closure={closedOnLoad} announce={false} />;

  if (query.isPending) {
    return (
      <Frame title="Pay">
        <div className="checkout-head" role="status" aria-label="Loading payment link">
          <h1 className="visually-hidden">Loading payment link</h1>
          <Skeleton width="50%" />
          <Skeleton width="40%" height="2rem" />
        </div>
      </Frame>
    );
  }
  if (!link) {
    return (
      <Frame title="Payment link unavailable">
        <div className="result">
          <h1>We could not load this payment link</h1>
          <p>{errorMessage(query.error)}</p>
          <button type="button" className="btn" onClick={() => void query.refetch()}>
            Try again
          </button>
        </div>
      </Frame>
    );
  }

  const merchantName = link.merchantName ?? "Expe checkout";
  return (
    <Frame title={`Pay ${merchantName}`}>
      <div className="checkout-head">
        <div className="spread">
          <h1>{merchantName}</h1>
          {link.mode !== "live" && <span className="badge badge-warning">Test mode</span>}
        </div>
        {link.amount !== null && (
          <p
            className="checkout-amount"
            aria-label={`Amount ${formatMoney(link.amount, link.currency)}`}
          >
            {formatMoney(link.amount, link.currency)}
          </p>
        )}
        <p>{link.description}</p>
      </div>
      <div className="checkout-body">
        <PayLinkForm link={link} onClosed={setClosedByPress} />
      </div>
    </Frame>
  );
}
