import { useQueryClient } from "@tanstack/react-query";
import { qk } from "../api/keys";
import type { Subscription } from "../api/types";
import { useWorkspace } from "../workspace/hooks";

/**
 * Shows the subscription an action answered at once, then refreshes every subscription query
 * (the list, this one, its invoices): an action may have billed or voided an invoice.
 */
export function useApplySubscription(id: string) {
  const client = useQueryClient();
  const scope = useWorkspace();
  return (subscription: Subscription) => {
    client.setQueryData(qk.subscription(scope, id), subscription);
    void client.invalidateQueries({ queryKey: ["subscriptions"] });
  };
}
