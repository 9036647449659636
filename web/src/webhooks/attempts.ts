import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { errorMessage, webhooks } from "../api/client";
import type { Attempt } from "../api/types";
import { useToast } from "../ui/toast";

/** A failed delivery can be sent again; a ping or a verification challenge is sent anew. */
export function isRetryable(attempt: Attempt): boolean {
  return (
    attempt.status === "failed" && attempt.trigger !== "ping" && attempt.trigger !== "verification"
  );
}

/** Retries an attempt's message now and says how it went; `retrying` is the attempt in flight. */
export function useRetryAttempt() {
  const toast = useToast();
  const client = useQueryClient();
  const [retrying, setRetrying] = useState<string | null>(null);
  const retry = async (attempt: Attempt) => {
    setRetrying(attempt.id);
    try {
      const next = await webhooks.retry(attempt.id);
      if (next.status === "succeeded")
        toast.success(`Delivered: HTTP ${next.responseStatus ?? ""}`.trim());
      else
        toast.error(
          `Retry failed: ${next.responseStatus ? `HTTP ${next.responseStatus}` : (next.error?.code ?? next.status)}`,
        );
    } catch (error) {
      toast.error(errorMessage(error));
    } finally {
      setRetrying(null);
      void client.invalidateQueries({ queryKey: ["webhook-attempts"] });
      if (attempt.paymentId)
        void client.invalidateQueries({ queryKey: ["payment-webhooks", attempt.paymentId] });
    }
  };
  return { retrying, retry };
}
