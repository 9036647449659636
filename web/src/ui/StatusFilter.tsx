import { useSearchParams } from "react-router";
import { paramsFromForm } from "../transactions/filters";
import { SelectField } from "./Field";

export interface StatusChoice<S extends string> {
  value: S;
  label: string;
}

/** A list page's status filter and page, kept in the URL (`?status=&page=`) so that a link or
 * the back button shows the same page; an unknown status reads as all of them. */
export function useStatusAndPage<S extends string>(choices: readonly StatusChoice<S>[]) {
  const [params, setParams] = useSearchParams();
  const value = params.get("status");
  const status: S | "" = choices.find((choice) => choice.value === value)?.value ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const show = (nextStatus: string, nextPage: number) =>
    setParams(paramsFromForm({ status: nextStatus }, nextPage));
  return { status, page, show };
}

interface Props<S extends string> {
  /** What is filtered, for the search landmark: "subscriptions". */
  what: string;
  status: S | "";
  choices: readonly StatusChoice<S>[];
  onStatus: (status: string) => void;
}

/** The filter bar of a list with one filter, its status. */
export function StatusFilter<S extends string>({ what, status, choices, onStatus }: Props<S>) {
  return (
    <form
      className="filters"
      role="search"
      aria-label={`Filter ${what}`}
      onSubmit={(event) => event.preventDefault()}
    >
      <SelectField label="Status" value={status} onChange={(event) => onStatus(event.target.value)}>
        <option value="">All statuses</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </SelectField>
    </form>
  );
}
