import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { ApiError, disputes, errorMessage } from "../api/client";
import type { DisputeFile, DisputeFilePurpose } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";
import { FormError, SelectField, TextField } from "../ui/Field";
import {
  ACCEPTED_TYPES,
  contentTypeOf,
  fileProblem,
  formatSize,
  MAX_FILE_BYTES,
  readBase64,
} from "./file";
import { PURPOSES } from "./labels";

const schema = z
  .object({
    purpose: z.custom<DisputeFilePurpose>((value) =>
      PURPOSES.some((choice) => choice.value === value),
    ),
    file: z.custom<FileList>(),
  })
  .superRefine((values, ctx) => {
    const problem = fileProblem(values.file?.[0]);
    if (problem) ctx.addIssue({ code: "custom", path: ["file"], message: problem });
  });

type Values = z.infer<typeof schema>;

// The API names the body's fields; to the person they are all the one file they chose.
const FILE_PARAMS = ["file", "filename", "contentType", "contentBase64"];

interface Props {
  disputeId: string;
  onUploaded: (file: DisputeFile) => void;
}

/** One evidence file: checked for its type and size here, read, then sent as base64. */
export function FileUploadForm({ disputeId, onUploaded }: Props) {
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { purpose: "receipt" },
  });
  const keys = useIdempotencyKey();
  const [formError, setFormError] = useState<string | null>(null);
  const { errors, isSubmitting } = form.formState;

  const report = (error: unknown) => {
    const param = error instanceof ApiError ? (error.param ?? "") : "";
    const aboutFile =
      error instanceof ApiError && (error.status === 413 || FILE_PARAMS.includes(param));
    if (aboutFile) form.setError("file", { type: "server", message: error.message });
    else if (param === "purpose")
      form.setError("purpose", { type: "server", message: errorMessage(error) });
    else setFormError(errorMessage(error));
  };

  return (
    <form
      noValidate
      aria-label="Upload an evidence file"
      className="section"
      onSubmit={form.handleSubmit(async ({ purpose, file: files }) => {
        const file = files[0]!;
        const attempt = { purpose, name: file.name, size: file.size, at: file.lastModified };
        setFormError(null);
        try {
          const body = {
            purpose,
            filename: file.name,
            contentType: contentTypeOf(file)!,
            contentBase64: await readBase64(file),
          };
          const uploaded = await disputes.uploadFile(disputeId, body, keys.keyFor(attempt));
          keys.settle();
          onUploaded(uploaded);
        } catch (error) {
          keys.settle(error);
          report(error);
        }
      })}
    >
      <FormError error={formError} />
      <div className="form-grid">
        <TextField
          type="file"
          label="File"
          accept={[...ACCEPTED_TYPES, ".pdf", ".png", ".jpg", ".jpeg"].join(",")}
          hint={`A PDF, PNG or JPEG of at most ${formatSize(MAX_FILE_BYTES)}.`}
          error={errors.file?.message}
          {...form.register("file")}
        />
        <SelectField
          label="What it shows"
          error={errors.purpose?.message}
          {...form.register("purpose")}
        >
          {PURPOSES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
      </div>
      <button type="submit" className="btn btn-secondary" disabled={isSubmitting}>
        {isSubmitting ? "Uploading…" : "Upload file"}
      </button>
    </form>
  );
}
