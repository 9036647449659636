/** One figure on a card: what it counts, its value and an optional note. */
export function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {note && <div className="small muted">{note}</div>}
    </div>
  );
}
