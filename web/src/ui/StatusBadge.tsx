const TONES: Record<string, string> = {
  succeeded: "success",
  delivered: "success",
  active: "success",
  posted: "success",
  enabled: "success",
  failed: "danger",
  declined: "danger",
  revoked: "danger",
  disabled: "danger",
  canceled: "neutral",
  expired: "neutral",
  created: "info",
  pending: "warning",
  processing: "warning",
  sending: "warning",
  expiring: "warning",
  completed: "info",
  inactive: "neutral",
  // Subscriptions and their invoices.
  trialing: "info",
  past_due: "warning",
  paused: "neutral",
  unpaid: "danger",
  incomplete: "warning",
  open: "info",
  paid: "success",
  uncollectible: "danger",
  void: "neutral",
};

const LABELS: Record<string, string> = {
  created: "Incomplete",
  past_due: "Past due",
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  const tone = TONES[status] ?? "neutral";
  const text = label ?? LABELS[status] ?? status.charAt(0).toUpperCase() + status.slice(1);
  return <span className={`badge badge-${tone}`}>{text}</span>;
}
