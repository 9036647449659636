// Loaded on its own (React.lazy) so the chart library stays out of the first download.
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { AnalyticsPeriod } from "../api/types";
import { formatMoney } from "../lib/money";
import { majorScale, moneyTick, TOOLTIP_STYLE, X_AXIS, Y_AXIS } from "../ui/chartStyle";

const SERIES = [
  { key: "volume", name: "Gross", color: "var(--chart-1)" },
  { key: "refunded", name: "Refunded", color: "var(--chart-2)" },
  { key: "net", name: "Net", color: "var(--chart-3)" },
] as const;

interface Props {
  currency: string;
  periods: AnalyticsPeriod[];
  label: (period: AnalyticsPeriod) => string;
  /** What the chart shows, for screen readers; the table below it carries the figures. */
  title: string;
}

export default function RevenueChart({ currency, periods, label, title }: Props) {
  const scale = majorScale(currency);
  // Recharts needs numbers for the axis; the labels and tooltips format the exact minor units.
  const points = periods.map((period) => ({
    label: label(period),
    exact: period,
    ...Object.fromEntries(SERIES.map(({ key }) => [key, period[key] / scale])),
  }));
  return (
    <div className="chart" role="img" aria-label={title}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 10, right: 10, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="label" {...X_AXIS} />
          <YAxis {...Y_AXIS} tickFormatter={moneyTick(currency)} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            formatter={(_value, name, item) => {
              const series = SERIES.find((one) => one.name === name);
              const exact = (item.payload as { exact: AnalyticsPeriod }).exact;
              return [series ? formatMoney(exact[series.key], currency) : "", name];
            }}
          />
          <Legend />
          {SERIES.map((series) => (
            <Bar
              key={series.key}
              isAnimationActive={false}
              dataKey={series.key}
              name={series.name}
              fill={series.color}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
