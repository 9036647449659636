import { useEffect, useRef, useState } from "react";

/**
 * Ids of rows that appeared or changed since the previous data (live events or polling), for a
 * few seconds. The first load highlights nothing.
 */
export function useHighlights<T extends { id: string }>(
  rows: T[] | undefined,
  signature: (row: T) => string,
  resetKey: string,
): Set<string> {
  const previous = useRef<Map<string, string> | null>(null);
  const lastKey = useRef(resetKey);
  const [highlighted, setHighlighted] = useState<Set<string>>(new Set());

  useEffect(() => {
    if (!rows) return;
    if (lastKey.current !== resetKey) {
      lastKey.current = resetKey;
      previous.current = null;
    }
    const next = new Map(rows.map((row) => [row.id, signature(row)]));
    const before = previous.current;
    previous.current = next;
    if (!before) return;
    const changed = rows
      .filter((row) => before.get(row.id) !== signature(row))
      .map((row) => row.id);
    if (changed.length === 0) return;
    setHighlighted(new Set(changed));
    const timer = setTimeout(() => setHighlighted(new Set()), 3500);
    return () => clearTimeout(timer);
    // signature is a pure function of the row
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, resetKey]);

  return highlighted;
}
