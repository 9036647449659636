import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { analytics, ApiError } from "../api/client";
import { qk } from "../api/keys";
import type { AnalyticsCurrency, Granularity } from "../api/types";
import { usePageTitle } from "../layout/usePageTitle";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { SelectField, TextField } from "../ui/Field";
import { CardSkeleton, TableSkeleton } from "../ui/Skeleton";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";
import { Cohorts } from "./Cohorts";
import { CurrencySection } from "./CurrencySection";
import { daysBetween, GRANULARITIES, isDay, presetOf, presetRange, PRESETS } from "./range";

// The longest range the API reports on (MAX_RANGE_DAYS), both ends included.
const MAX_RANGE_DAYS = 731;

function isEmpty(item: AnalyticsCurrency): boolean {
  const t = item.totals;
  return t.created === 0 && t.succeeded === 0 && t.failed === 0 && t.refunds === 0;
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
