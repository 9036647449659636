import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { disputes } from "../api/client";
import type { Dispute } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { FormError, TextAreaField, TextField } from "../ui/Field";
import { useToast } from "../ui/toast";
import {
  EVIDENCE_FIELDS,
  EVIDENCE_INPUTS,
  evidenceChanges,
  evidenceFormOf,
  evidenceProblems,
} from "./evidenceForm";
import type { EvidenceForm as Values } from "./evidenceForm";
import { SubmitEvidenceDialog } from "./SubmitEvidenceDialog";

const text = z.string();
const schema = z
  .object({
    customerName: text,
    customerEmail: text,
    productDescription: text,
    serviceDate: text,
    shippingTrackingNumber: text,
    refundPolicy: text,
    uncategorizedText: text,
  })
  .superRefine((values, ctx) => {
    for (const [path, message] of Object.entries(evidenceProblems(values)))
      ctx.addIssue({ code: "custom", path: [path], message });
  });

interface Props {
  dispute: Dispute;
  onChanged: (dispute: Dispute) => void;
}

/** The evidence text, saved as often as needed, then submitted once for review. */
export function EvidenceForm({ dispute, onChanged }: Props) {
  const toast = useToast();
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: evidenceFormOf(dispute.evidence),
  });
  const { formError, setFormError, report } = useApiError(form.setError, EVIDENCE_FIELDS);
  const [confirming, setConfirming] = useState(false);
  const { errors, isSubmitting, isDirty } = form.formState;

  return (
    <>
      <form
        noValidate
        aria-label="Evidence"
        onSubmit={form.handleSubmit(async (values) => {
          const changes = evidenceChanges(values, dispute.evidence);
          if (Object.keys(changes).length === 0) {
            toast.show("Nothing to save: the evidence is as last saved");
            return;
          }
          try {
            const saved = await disputes.saveEvidence(dispute.id, changes);
            setFormError(null);
            form.reset(evidenceFormOf(saved.evidence));
            onChanged(saved);
            toast.success("Evidence saved");
          } catch (error) {
            report(error);
          }
        })}
      >
        <FormError error={formError} />
        <div className="form-grid">
          {EVIDENCE_INPUTS.filter((input) => input.kind !== "area").map((input) => (
            <TextField
              key={input.name}
              type={input.kind}
              label={input.label}
              hint={input.hint}
              error={errors[input.name]?.message}
              {...form.register(input.name)}
            />
          ))}
        </div>
        {EVIDENCE_INPUTS.filter((input) => input.kind === "area").map((input) => (
          <TextAreaField
            key={input.name}
            label={input.label}
            hint={input.hint}
            rows={3}
            error={errors[input.name]?.message}
            {...form.register(input.name)}
          />
        ))}
        <div className="row">
          <button type="submit" className="btn btn-secondary" disabled={isSubmitting}>
            {isSubmitting ? "Saving…" : "Save evidence"}
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(true)}>
            Submit evidence
          </button>
        </div>
      </form>
      {confirming && (
        <SubmitEvidenceDialog
          dispute={dispute}
          unsaved={isDirty}
          onClose={() => setConfirming(false)}
          onSubmitted={onChanged}
        />
      )}
    </>
  );
}
