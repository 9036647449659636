import type { ListFilters, PaymentStatus } from "../api/types";
import { parseAmount } from "../lib/money";
import { nextDay, zonedToUtcIso } from "../lib/time";

export const STATUSES: { value: PaymentStatus; label: string }[] = [
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
  { value: "processing", label: "Processing" },
  { value: "created", label: "Incomplete" },
  { value: "canceled", label: "Canceled" },
  { value: "expired", label: "Expired" },
];

/** What the filter form holds, as text: it lives in the URL. */
export interface FilterForm {
  status: string;
  from: string;
  to: string;
  min: string;
  max: string;
  q: string;
}

export const EMPTY_FILTERS: FilterForm = { status: "", from: "", to: "", min: "", max: "", q: "" };

export function formFromParams(params: URLSearchParams): FilterForm {
  return {
    status: params.get("status") ?? "",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    min: params.get("min") ?? "",
    max: params.get("max") ?? "",
    q: params.get("q") ?? "",
  };
}

/** A list page's filters and page as its URL's query (empty values and page 1 left out). */
export function paramsFromForm<T extends { [K in keyof T]: string }>(
  form: T,
  page: number,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of Object.keys(form) as (keyof T & string)[])
    if (form[key]) params.set(key, form[key]);
  if (page > 1) params.set("page", String(page));
  return params;
}

export interface Resolved {
  filters: ListFilters;
  errors: Partial<Record<keyof FilterForm, string>>;
}

/** The form as API filters: days in the user's zone, amounts in minor units of `currency`. */
export function resolveFilters(form: FilterForm, zone: string, currency: string): Resolved {
  const filters: ListFilters = {};
  const errors: Resolved["errors"] = {};
  if (form.status) filters.status = [form.status as PaymentStatus];
  if (form.from) filters.from = zonedToUtcIso(form.from, zone) ?? undefined;
  if (form.to) filters.to = zonedToUtcIso(nextDay(form.to), zone) ?? undefined;
  if (form.from && form.to && form.from > form.to)
    errors.to = "The end date is before the start date";
  if (form.min) {
    const value = parseAmount(form.min, currency);
    if (value === null) errors.min = "Enter an amount like 100.50";
    else filters.minAmount = value;
  }
  if (form.max) {
    const value = parseAmount(form.max, currency);
    if (value === null) errors.max = "Enter an amount like 100.50";
    else filters.maxAmount = value;
  }
  if (
    filters.minAmount !== undefined &&
    filters.maxAmount !== undefined &&
    filters.minAmount > filters.maxAmount
  ) {
    errors.max = "The maximum is below the minimum";
  }
  if (form.q.trim()) filters.q = form.q.trim();
  return { filters, errors };
}
