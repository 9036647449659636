import { lazy, Suspense, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { analytics, ApiError, errorMessage, payments } from "../api/client";
import { qk } from "../api/keys";
import type { DayTotals } from "../api/types";
import { useMe, useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { usePollWhenOffline } from "../live/LiveProvider";
import { formatMoney } from "../lib/money";
import { PaymentsTable } from "../transactions/TransactionsPage";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { SelectField } from "../ui/Field";
import { CardSkeleton, Skeleton, TableSkeleton } from "../ui/Skeleton";
import { Stat } from "../ui/Stat";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";

const VolumeChart = lazy(() => import("./VolumeChart"));

export function successRate(totals: DayTotals): string {
  const finished = totals.succeeded + totals.failed;
  const rate = totals.successRate ?? (finished ? totals.succeeded / finished : null);
  if (rate === null || rate === undefined) return "—";
  return new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 }).format(
    rate,
  );
}

export function OverviewPage() {
  usePageTitle("Overview");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const me = useMe();
  const merchant = useCurrentMerchant();
  const poll = usePollWhenOffline(15_000);
  const [chosen, setChosen] = useState<string | null>(null);
  const overview = useQuery({
    queryKey: qk.overview(scope, zone),
    queryFn: () => analytics.overview(30, zone),
    refetchInterval: poll,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });
  const recent = useQuery({
    queryKey: qk.recentPayments(scope),
    queryFn: () => payments.list({}, 1, 5),
    refetchInterval: poll,
  });
  const currencies = overview.data?.currencies ?? [];
  const current =
    currencies.find((item) => item.currency === chosen) ??
    currencies.find((item) => item.currency === merchant?.defaultCurrency) ??
    currencies[0];
  const unavailable = overview.error instanceof ApiError && overview.error.status === 404;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="muted">
            {me?.name ? `Welcome back, ${me.name}. ` : ""}
            {merchant?.name} in {scope.mode} mode, days in {zone}.
          </p>
        </div>
        {currencies.length > 1 && current && (
          <SelectField
            label="Currency"
            value={current.currency}
            onChange={(event) => setChosen(event.target.value)}
          >
            {currencies.map((item) => (
              <option key={item.currency} value={item.currency}>
                {item.currency}
              </option>
            ))}
          </SelectField>
        )}
      </div>

      {overview.isPending ? (
        <div className="grid-cards">
          <CardSkeleton />
          <CardSkeleton />
          <CardSkeleton />
          <CardSkeleton />
        </div>
      ) : unavailable ? (
        <div className="card">
          <EmptyState illustration="chart" title="Analytics are not available yet">
            <p>
              Volume and success rates appear here once this server’s analytics are on. Your
              payments are below.
            </p>
          </EmptyState>
        </div>
      ) : overview.isError ? (
        <div className="card">
          <LoadFailed
            title="The overview could not be loaded"
            error={overview.error}
            retry={overview.refetch}
          />
        </div>
      ) : !current ? (
        <div className="card">
          <EmptyState illustration="chart" title="No payments in the last 30 days">
            <p>Once customers pay, today’s and this month’s volume show here.</p>
          </EmptyState>
        </div>
      ) : (
        <>
          <div className="grid-cards">
            <Stat
              label="Today’s volume"
              value={formatMoney(current.today.volume, current.currency)}
              note={`${current.today.count} payments`}
            />
            <Stat
              label="This month’s volume"
              value={formatMoney(current.month.volume, current.currency)}
              note={`${current.month.count} payments`}
            />
            <Stat
              label="Success rate (month)"
              value={successRate(current.month)}
              note={`${current.month.succeeded} succeeded, ${current.month.failed} failed`}
            />
            <Stat
              label="Refunds (month)"
              value={formatMoney(current.month.refunded, current.currency)}
              note={`Today ${formatMoney(current.today.refunded, current.currency)}`}
            />
          </div>
          <section className="card" aria-labelledby="chart-title">
            <h2 id="chart-title">Volume, last 30 days</h2>
            <Suspense fallback={<Skeleton height="280px" />}>
              <VolumeChart data={current} />
            </Suspense>
          </section>
        </>
      )}

      <section className="section" aria-labelledby="recent-title">
        <div className="spread">
          <h2 id="recent-title">Recent payments</h2>
          <Link to="/transactions">View all transactions</Link>
        </div>
        {recent.isPending ? (
          <TableSkeleton rows={5} columns={6} />
        ) : recent.isError ? (
          <p className="alert alert-error">{errorMessage(recent.error)}</p>
        ) : recent.data.data.length === 0 ? (
          <div className="card">
            <EmptyState
              illustration="payments"
              title="No payments yet"
              action={
                <Link className="btn" to="/settings/api-keys">
                  Get your API keys
                </Link>
              }
            >
              <p>Create a payment from your server with a secret key to see it here.</p>
            </EmptyState>
          </div>
        ) : (
          <PaymentsTable rows={recent.data.data} zone={zone} />
        )}
      </section>
    </div>
  );
}
