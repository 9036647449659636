import { useState } from "react";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import { ApiError, errorMessage } from "../api/client";

/**
 * Shows an API error on the field it names (`param`) when the form has it, else above the form.
 */
export function useApiError<T extends FieldValues>(
  setError: UseFormSetError<T>,
  fields: readonly string[],
) {
  const [formError, setFormError] = useState<string | null>(null);
  const report = (error: unknown) => {
    if (error instanceof ApiError && error.param) {
      const field = error.param.split(".")[0] ?? "";
      if (fields.includes(field)) {
        setError(field as Path<T>, { type: "server", message: error.message });
        setFormError(null);
        return;
      }
    }
    setFormError(errorMessage(error));
  };
  return { formError, setFormError, report };
}
