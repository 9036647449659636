import { useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import { merchants } from "../api/client";
import { qk } from "../api/keys";
import type { Merchant } from "../api/types";
import { workspace } from "./store";
import type { Workspace } from "./store";

export function useWorkspace(): Workspace {
  return useSyncExternalStore(workspace.subscribe, workspace.get, workspace.get);
}

export function useMerchants() {
  return useQuery({
    queryKey: qk.merchants,
    queryFn: async () => (await merchants.list()).data,
    staleTime: 60_000,
  });
}

/** The merchant the dashboard acts for (the first one when the stored id is not the user's). */
export function useCurrentMerchant(): Merchant | null {
  const { merchantId } = useWorkspace();
  const { data } = useMerchants();
  if (!data || data.length === 0) return null;
  return data.find((merchant) => merchant.id === merchantId) ?? data[0] ?? null;
}
