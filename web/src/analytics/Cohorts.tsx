import type { Cohort } from "../api/types";
import { formatCount, formatMonth, formatPercent, monthsBetween } from "./range";
import { Table } from "./Table";

/** Customers by the month of their first payment, and who of them paid again each month. */
export function Cohorts({ cohorts }: { cohorts: Cohort[] }) {
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
