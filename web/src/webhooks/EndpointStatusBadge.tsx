import type { Endpoint } from "../api/types";
import { StatusBadge } from "../ui/StatusBadge";

export function EndpointStatusBadge({ endpoint }: { endpoint: Endpoint }) {
  if (endpoint.status === "pending_verification")
    return <StatusBadge status="pending" label="Pending verification" />;
  return (
    <StatusBadge
      status={endpoint.status}
      label={endpoint.status === "enabled" ? "Enabled" : "Disabled"}
    />
  );
}
