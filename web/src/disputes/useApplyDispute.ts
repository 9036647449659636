import { useQueryClient } from "@tanstack/react-query";
import { qk } from "../api/keys";
import type { Dispute } from "../api/types";
import { useWorkspace } from "../workspace/hooks";

/**
 * Shows the dispute an action answered at once, then refreshes every dispute query: the list
 * orders by status and deadline, so a change there may move the dispute.
 */
export function useApplyDispute(id: string) {
  const client = useQueryClient();
  const scope = useWorkspace();
  return (dispute: Dispute) => {
    client.setQueryData(qk.dispute(scope, id), dispute);
    void client.invalidateQueries({ queryKey: ["disputes"] });
  };
}
