import { lazy, Suspense, useState } from "react";
import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { analytics, ApiError } from "../api/client";
import { qk } from "../api/keys";
import type {
  AnalyticsBreakdown,
  AnalyticsCurrency,
  AnalyticsPeriod,
  Cohort,
  Granularity,
  PaymentMethod,
} from "../api/types";
import { usePageTitle } from "../layout/usePageTitle";
import { countryName } from "../lib/countries";
import { formatMoney } from "../lib/money";
import { formatDay } from "../lib/time";
import { METHOD_NAMES } from "../payment/labels";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { SelectField, TextField } from "../ui/Field";
import { CardSkeleton, TableSkeleton } from "../ui/Skeleton";
import { Stat } from "../ui/Stat";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";
import {
  daysBetween,
  formatCount,
  formatMonth,
  formatPercent,
  GRANULARITIES,
  isDay,
  monthsBetween,
  presetOf,
  presetRange,
  PRESETS,
} from "./range";

const RevenueChart = lazy(() => import("./RevenueChart"));

// The longest range the API reports on (MAX_RANGE_DAYS), both ends included.
const MAX_RANGE_DAYS = 731;

const rateOf = (succeeded: number, failed: number, given?: number | null): number | null =>
  given ?? (succeeded + failed ? succeeded / (succeeded + failed) : null);

function periodLabel(period: AnalyticsPeriod, granularity: Granularity): string {
  if (granularity === "month" && period.start.endsWith("-01")) {
    return formatMonth(period.start.slice(0, 7));
  }
  if (period.start === period.end) return formatDay(period.start);
  return `${formatDay(period.start)} – ${formatDay(period.end)}`;
}

function isEmpty(item: AnalyticsCurrency): boolean {
  const t = item.totals;
  return t.created === 0 && t.succeeded === 0 && t.failed === 0 && t.refunds === 0;
}

function Table({
  caption,
  head,
  children,
}: {
  caption: string;
  head: { label: string; num?: boolean }[];
  children: ReactNode;
}) {
  // Narrow cards scroll a wide table sideways: the scrolling box takes the keyboard focus.
  return (
    <div className="table-wrap" role="region" aria-label={caption} tabIndex={0}>
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {head.map((column) => (
              <th key={column.label} scope="col" className={column.num ? "num" : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function Breakdown<T extends AnalyticsBreakdown>({
  caption,
  first,
  rows,
  name,
  rowKey,
  currency,
}: {
  caption: string;
  first: string;
  rows: T[];
  name: (row: T) => string;
  rowKey: (row: T) => string;
  currency: string;
}) {
  if (rows.length === 0) return <p className="muted">No payments in this range.</p>;
  return (
    <Table
      caption={caption}
      head={[
        { label: first },
        { label: "Succeeded", num: true },
        { label: "Failed", num: true },
        { label: "Success rate", num: true },
        { label: "Volume", num: true },
      ]}
    >
      {rows.map((row) => (
        <tr key={rowKey(row)}>
          <th scope="row">{name(row)}</th>
          <td className="num">{formatCount(row.succeeded)}</td>
          <td className="num">{formatCount(row.failed)}</td>
          <td className="num">
            {formatPercent(rateOf(row.succeeded, row.failed, row.successRate))}
          </td>
          <td className="num amount">{formatMoney(row.volume, currency)}</td>
        </tr>
      ))}
    </Table>
  );
}

function CurrencySection({
  data,
  granularity,
}: {
  data: AnalyticsCurrency;
  granularity: Granularity;
}) {
  const { currency, totals } = data;
  const money = (minor: number) => formatMoney(minor, currency);
  const id = `analytics-${currency}`;
  const success = rateOf(totals.succeeded, totals.failed, totals.successRate);
  const finished = totals.succeeded + totals.failed;
  const failure = finished ? totals.failed / finished : null;
  return (
    <section className="section" aria-labelledby={id}>
      <h2 id={id}>{currency}</h2>
      <div className="grid-cards">
        <Stat
          label="Gross volume"
          value={money(totals.volume)}
          note={`${formatCount(totals.succeeded)} succeeded of ${formatCount(totals.created)} created`}
        />
        <Stat
          label="Refunded"
          value={money(totals.refunded)}
          note={`${formatCount(totals.refunds)} refunds`}
        />
        <Stat label="Net volume" value={money(totals.net)} note="Gross less refunded" />
        <Stat
          label="Success rate"
          value={formatPercent(success)}
          note={`${formatCount(totals.succeeded)} succeeded, ${formatCount(totals.failed)} failed`}
        />
        <Stat
          label="Average order value"
          value={totals.averageOrderValue === null ? "—" : money(totals.averageOrderValue)}
        />
        <Stat
          label="New customers"
          value={formatCount(totals.newCustomers)}
          note={`${money(totals.newCustomerVolume)} volume`}
        />
        <Stat
          label="Returning payments"
          value={formatCount(totals.returningPayments)}
          note={`${money(totals.returningVolume)} volume`}
        />
      </div>

      <section className="card" aria-labelledby={`${id}-trend`}>
        <h3 id={`${id}-trend`}>Revenue by {granularity}</h3>
        {data.periods.length === 0 ? (
          <p className="muted">No periods in this range.</p>
        ) : (
          <>
            <Suspense fallback={<div className="chart" />}>
              <RevenueChart
                currency={currency}
                periods={data.periods}
                label={(period) => periodLabel(period, granularity)}
                title={`Gross, refunded and net ${currency} by ${granularity}`}
              />
            </Suspense>
            <Table
              caption={`${currency} revenue by ${granularity}`}
              head={[
                { label: "Period" },
                { label: "Gross", num: true },
                { label: "Refunded", num: true },
                { label: "Net", num: true },
                { label: "Success rate", num: true },
              ]}
            >
              {data.periods.map((period) => (
                <tr key={period.start}>
                  <th scope="row">{periodLabel(period, granularity)}</th>
                  <td className="num amount">{money(period.volume)}</td>
                  <td className="num amount">{money(period.refunded)}</td>
                  <td className="num amount">{money(period.net)}</td>
                  <td className="num">
                    {formatPercent(rateOf(period.succeeded, period.failed, period.successRate))}
                  </td>
                </tr>
              ))}
            </Table>
          </>
        )}
      </section>

      <div className="grid-cards analytics-pair">
        <section className="card" aria-labelledby={`${id}-outcomes`}>
          <h3 id={`${id}-outcomes`}>Success and failures</h3>
          <dl className="analytics-rates">
            <div>
              <dt>Success rate</dt>
              <dd>{formatPercent(success)}</dd>
            </div>
            <div>
              <dt>Failure rate</dt>
              <dd>{formatPercent(failure)}</dd>
            </div>
          </dl>
          {data.failures.length === 0 ? (
            <p className="muted">No failed payments in this range.</p>
          ) : (
            <Table
              caption={`${currency} failures by code`}
              head={[
                { label: "Failure code" },
                { label: "Payments", num: true },
                { label: "Share of failures", num: true },
              ]}
            >
              {data.failures.map((failureRow) => (
                <tr key={failureRow.code}>
                  <th scope="row">
                    <code>{failureRow.code}</code>
                  </th>
                  <td className="num">{formatCount(failureRow.count)}</td>
                  <td className="num">
                    {formatPercent(totals.failed ? failureRow.count / totals.failed : null)}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </section>

        <section className="card" aria-labelledby={`${id}-customers`}>
          <h3 id={`${id}-customers`}>Top customers, of all time</h3>
          {data.topCustomers.length === 0 ? (
            <p className="muted">No customers yet.</p>
          ) : (
            <Table
              caption={`${currency} top customers, of all time`}
              head={[
                { label: "Customer" },
                { label: "Payments", num: true },
                { label: "Volume", num: true },
              ]}
            >
              {data.topCustomers.map((customer) => (
                <tr key={customer.customerId}>
                  <th scope="row">{customer.label ?? customer.customerId}</th>
                  <td className="num">{formatCount(customer.payments)}</td>
                  <td className="num amount">{money(customer.volume)}</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
      </div>

      <div className="grid-cards analytics-pair">
        <section className="card" aria-labelledby={`${id}-methods`}>
          <h3 id={`${id}-methods`}>Payment methods</h3>
          <Breakdown
            caption={`${currency} payment methods`}
            first="Method"
            rows={data.methods}
            rowKey={(row) => row.method}
            name={(row) => METHOD_NAMES[row.method as PaymentMethod] ?? row.method}
            currency={currency}
          />
        </section>
        <section className="card" aria-labelledby={`${id}-countries`}>
          <h3 id={`${id}-countries`}>Countries</h3>
          <Breakdown
            caption={`${currency} countries`}
            first="Country"
            rows={data.countries}
            rowKey={(row) => row.country}
            name={(row) => countryName(row.country)}
            currency={currency}
          />
        </section>
      </div>
    </section>
  );
}

function Cohorts({ cohorts }: { cohorts: Cohort[] }) {
  const span = Math.max(
    0,
    ...cohorts.flatMap((cohort) =>
      cohort.retention.map((r) => monthsBetween(cohort.month, r.month)),
    ),
  );
  const offsets = Array.from({ length: span + 1 }, (_, index) => index);
  return (
    <section className="section card" aria-labelledby="cohorts-title">
      <h2 id="cohorts-title">Cohort retention</h2>
      <p className="small muted">
        Customers by the month of their first payment, and the share of them paying again each month
        after.
      </p>
      {cohorts.length === 0 ? (
        <p className="muted">No customers in this range.</p>
      ) : (
        <Table
          caption="Cohort retention: share of each month’s new customers paying in later months"
          head={[
            { label: "Cohort" },
            { label: "Customers", num: true },
            ...offsets.map((offset) => ({ label: `Month ${offset}`, num: true })),
          ]}
        >
          {cohorts.map((cohort) => {
            const byOffset = new Map(
              cohort.retention.map((r) => [monthsBetween(cohort.month, r.month), r]),
            );
            return (
              <tr key={cohort.month}>
                <th scope="row">{formatMonth(cohort.month)}</th>
                <td className="num">{formatCount(cohort.customers)}</td>
                {offsets.map((offset) => {
                  const cell = byOffset.get(offset);
                  return (
                    <td
                      key={offset}
                      className="num"
                      title={cell ? `${formatCount(cell.customers)} customers` : undefined}
                    >
                      {cell ? formatPercent(cell.rate) : "—"}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </Table>
      )}
    </section>
  );
}

export function AnalyticsPage() {
  usePageTitle("Analytics");
  const scope = useWorkspace();
  const merchant = useCurrentMerchant();
  const initial = presetRange("30d");
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const [granularity, setGranularity] = useState<Granularity>("day");
  const [chosen, setChosen] = useState("");

  const fromError = isDay(from) ? undefined : "Enter a date.";
  const toError = !isDay(to)
    ? "Enter a date."
    : !fromError && from > to
      ? "The end is before the start."
      : !fromError && daysBetween(from, to) >= MAX_RANGE_DAYS
        ? "A range covers at most two years."
        : undefined;
  const valid = !fromError && !toError;
  const merchantId = merchant?.id ?? scope.merchantId;
  const query = { from, to, granularity };

  const result = useQuery({
    queryKey: qk.merchantAnalytics(scope, query),
    queryFn: () => analytics.merchant(merchantId!, query),
    enabled: valid && Boolean(merchantId),
    placeholderData: (previous) => previous,
    retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
  });

  const currencies = result.data?.currencies ?? [];
  const shown = currencies.filter((item) => !chosen || item.currency === chosen);
  const withData = shown.filter((item) => !isEmpty(item));
  const active = presetOf(from, to);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Analytics</h1>
          <p className="muted">
            {merchant?.name} in {scope.mode} mode. Days are in UTC, both ends included.
          </p>
        </div>
      </div>

      <form
        className="filters"
        aria-label="Analytics range"
        onSubmit={(event) => event.preventDefault()}
      >
        <TextField
          type="date"
          label="From"
          value={from}
          max={isDay(to) ? to : undefined}
          onChange={(event) => setFrom(event.target.value)}
          error={fromError}
        />
        <TextField
          type="date"
          label="To"
          value={to}
          min={isDay(from) ? from : undefined}
          onChange={(event) => setTo(event.target.value)}
          error={toError}
        />
        <SelectField
          label="Granularity"
          value={granularity}
          onChange={(event) => setGranularity(event.target.value as Granularity)}
        >
          {GRANULARITIES.map((item) => (
            <option key={item.value} value={item.value}>
              {item.label}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Currency"
          value={chosen}
          onChange={(event) => setChosen(event.target.value)}
        >
          <option value="">All currencies</option>
          {currencies.map((item) => (
            <option key={item.currency} value={item.currency}>
              {item.currency}
            </option>
          ))}
          {chosen && !currencies.some((item) => item.currency === chosen) && (
            <option value={chosen}>{chosen}</option>
          )}
        </SelectField>
        <div className="row" role="group" aria-label="Range presets">
          {PRESETS.map((preset) => (
            <button
              key={preset.id}
              type="button"
              className="btn btn-secondary btn-sm"
              aria-pressed={active === preset.id}
              onClick={() => {
                const range = presetRange(preset.id);
                setFrom(range.from);
                setTo(range.to);
                if (preset.id === "12m" && granularity === "day") setGranularity("month");
              }}
            >
              {preset.label}
            </button>
          ))}
        </div>
      </form>

      {!valid ? (
        <p className="muted">Choose a valid range to see its figures.</p>
      ) : result.isPending ? (
        <>
          <div className="grid-cards">
            <CardSkeleton />
            <CardSkeleton />
            <CardSkeleton />
            <CardSkeleton />
          </div>
          <TableSkeleton rows={6} columns={5} />
        </>
      ) : result.isError ? (
        <div className="card">
          <LoadFailed
            title="The analytics could not be loaded"
            error={result.error}
            retry={result.refetch}
          />
        </div>
      ) : (
        <div aria-busy={result.isFetching || undefined}>
          {withData.length === 0 ? (
            <div className="card">
              <EmptyState illustration="chart" title="No payments in this range">
                <p>Choose a longer range, or come back once customers have paid.</p>
              </EmptyState>
            </div>
          ) : (
            withData.map((item) => (
              <CurrencySection key={item.currency} data={item} granularity={granularity} />
            ))
          )}
          {result.data.cohorts.length > 0 && <Cohorts cohorts={result.data.cohorts} />}
        </div>
      )}
    </div>
  );
}
