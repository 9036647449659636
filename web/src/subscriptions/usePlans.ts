import { useQuery } from "@tanstack/react-query";
import { plans } from "../api/client";
import { qk } from "../api/keys";
import { useWorkspace } from "../workspace/hooks";

/** Plans come 100 a page: the plans page and the plan pickers share the first one. */
export const PLAN_PAGE_SIZE = 100;

export function usePlans(page = 1) {
  const scope = useWorkspace();
  return useQuery({
    queryKey: qk.plans(scope, page),
    queryFn: () => plans.list(page, PLAN_PAGE_SIZE),
  });
}
