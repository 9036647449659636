// Loaded on its own (React.lazy) so the chart library stays out of the first download.
import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { CurrencyOverview } from "../api/types";
import { formatMoney } from "../lib/money";
import { majorScale, moneyTick, TOOLTIP_STYLE, X_AXIS, Y_AXIS } from "../ui/chartStyle";
import { formatDay } from "../lib/time";

export default function VolumeChart({ data }: { data: CurrencyOverview }) {
  const scale = majorScale(data.currency);
  // Recharts needs numbers for the axis; the labels and tooltips format the exact minor units.
  const points = data.days.map((day) => ({
    ...day,
    label: formatDay(day.date),
    major: day.volume / scale,
  }));
  return (
    <div
      className="chart"
      role="img"
      aria-label={`Daily volume in ${data.currency} over the last ${data.days.length} days`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={points} margin={{ top: 10, right: 10, bottom: 0, left: 0 }}>
          <defs>
            <linearGradient id="volumeFill" x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor="var(--chart-1)" stopOpacity={0.35} />
              <stop offset="100%" stopColor="var(--chart-1)" stopOpacity={0} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke="var(--border)" vertical={false} />
          <XAxis dataKey="label" {...X_AXIS} />
          <YAxis {...Y_AXIS} tickFormatter={moneyTick(data.currency)} />
          <Tooltip
            contentStyle={TOOLTIP_STYLE}
            formatter={(_value, _name, item) => [
              formatMoney((item.payload as { volume: number }).volume, data.currency),
              "Volume",
            ]}
          />
          <Area
            isAnimationActive={false}
            type="monotone"
            dataKey="major"
            stroke="var(--chart-1)"
            strokeWidth={2}
            fill="url(#volumeFill)"
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
