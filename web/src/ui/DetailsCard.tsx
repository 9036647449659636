import type { ReactNode } from "react";

export type DetailRow = [label: string, value: ReactNode];

/** A "Details" card: labelled values, then the object's metadata when it has any. */
export function DetailsCard({
  id,
  rows,
  metadata,
}: {
  id: string;
  rows: DetailRow[];
  metadata?: Record<string, string> | null;
}) {
  const entries = Object.entries(metadata ?? {});
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>Details</h2>
      <DetailList rows={rows} />
      {entries.length > 0 && (
        <>
          <h3 className="section">Metadata</h3>
          <DetailList rows={entries} />
        </>
      )}
    </section>
  );
}

function DetailList({ rows }: { rows: DetailRow[] }) {
  return (
    <dl className="details">
      {rows.map(([label, value]) => (
        <div key={label} className="contents">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
