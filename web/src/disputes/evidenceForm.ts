import type { DisputeEvidence, DisputeEvidenceUpdate } from "../api/types";

export const EVIDENCE_FIELDS = [
  "customerName",
  "customerEmail",
  "productDescription",
  "serviceDate",
  "shippingTrackingNumber",
  "refundPolicy",
  "uncategorizedText",
] as const;

export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

/** What the evidence form holds, as text; fields are named as the API's, so a `param` lands. */
export type EvidenceForm = Record<EvidenceField, string>;

export interface EvidenceInput {
  name: EvidenceField;
  label: string;
  /** "area" fields take long text; the others a line. */
  kind: "text" | "email" | "area";
  hint?: string;
}

export const EVIDENCE_INPUTS: EvidenceInput[] = [
  { name: "customerName", label: "Customer name", kind: "text" },
  { name: "customerEmail", label: "Customer email", kind: "email" },
  {
    name: "productDescription",
    label: "Product or service",
    kind: "area",
    hint: "What the customer bought, in the words of the receipt.",
  },
  {
    name: "serviceDate",
    label: "Service or delivery date",
    kind: "text",
    hint: "When the customer got what they paid for, like 2026-12-01.",
  },
  { name: "shippingTrackingNumber", label: "Shipping tracking number", kind: "text" },
  {
    name: "refundPolicy",
    label: "Refund policy",
    kind: "area",
    hint: "The policy the customer agreed to, and how it was shown to them.",
  },
  {
    name: "uncategorizedText",
    label: "Anything else",
    kind: "area",
    hint: "Other facts that show the payment was genuine: past orders, sign-ins, messages.",
  },
];

export function evidenceFormOf(evidence: DisputeEvidence): EvidenceForm {
  return Object.fromEntries(
    EVIDENCE_FIELDS.map((field) => [field, evidence[field] ?? ""]),
  ) as EvidenceForm;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The API's limits: a line holds 500 characters, a long text 5,000. */
export const MAX_LENGTH = { line: 500, area: 5000 };

export function evidenceProblems(form: EvidenceForm): Partial<Record<EvidenceField, string>> {
  const problems: Partial<Record<EvidenceField, string>> = {};
  for (const { name, kind } of EVIDENCE_INPUTS) {
    const limit = kind === "area" ? MAX_LENGTH.area : MAX_LENGTH.line;
    if (form[name].trim().length > limit)
      problems[name] = `Use at most ${limit.toLocaleString("en")} characters`;
  }
  const email = form.customerEmail.trim();
  if (email && !EMAIL.test(email) && !problems.customerEmail)
    problems.customerEmail = "Enter a valid email address";
  return problems;
}

/** The fields that differ from the saved evidence, trimmed; an emptied field is cleared (null). */
export function evidenceChanges(form: EvidenceForm, saved: DisputeEvidence): DisputeEvidenceUpdate {
  const changes: DisputeEvidenceUpdate = {};
  for (const field of EVIDENCE_FIELDS) {
    const value = form[field].trim() || null;
    if (value !== (saved[field] ?? null)) changes[field] = value;
  }
  return changes;
}
