import type { ReactNode } from "react";

/** A captioned table; a narrow card scrolls it sideways in a box that takes the keyboard focus. */
export function Table({
  caption,
  head,
  children,
}: {
  caption: string;
  head: { label: string; num?: boolean }[];
  children: ReactNode;
}) {
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
