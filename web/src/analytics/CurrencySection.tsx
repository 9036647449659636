import { lazy, Suspense } from "react";
import type {
  AnalyticsBreakdown,
  AnalyticsCurrency,
  AnalyticsPeriod,
  Granularity,
  PaymentMethod,
} from "../api/types";
import { countryName } from "../lib/countries";
import { formatMoney } from "../lib/money";
import { formatDay } from "../lib/time";
import { METHOD_NAMES } from "../payment/labels";
import { Stat } from "../ui/Stat";
import { formatCount, formatMonth, formatPercent } from "./range";
import { Table } from "./Table";

const RevenueChart = lazy(() => import("./RevenueChart"));

const rateOf = (succeeded: number, failed: number, given?: number | null): number | null =>
  given ?? (succeeded + failed ? succeeded / (succeeded + failed) : null);

function periodLabel(period: AnalyticsPeriod, granularity: Granularity): string {
  if (granularity === "month" && period.start.endsWith("-01")) {
    return formatMonth(period.start.slice(0, 7));
  }
  if (period.start === period.end) return formatDay(period.start);
  return `${formatDay(period.start)} – ${formatDay(period.end)}`;
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

/** One currency's figures over the range. */
export function CurrencySection({
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
