import { useRef } from "react";
import { paymentMethods } from "../api/client";
import type { SavedCard, SavedCardCreate } from "../api/types";
import { useIdempotencyKey } from "../api/useIdempotencyKey";

/**
 * Saves the form's card (POST /payment-methods) and remembers it: when creating the subscription
 * fails (a decline, a wrong plan) and the form is sent again with the same card, it is not saved a
 * second time.
 */
export function useSavedCard() {
  const keys = useIdempotencyKey();
  const saved = useRef<{ request: string; card: SavedCard } | null>(null);
  return {
    async save(body: SavedCardCreate): Promise<SavedCard> {
      const request = JSON.stringify(body);
      if (saved.current?.request === request) return saved.current.card;
      try {
        const card = await paymentMethods.create(body, keys.keyFor(body));
        keys.settle();
        saved.current = { request, card };
        return card;
      } catch (error) {
        keys.settle(error);
        throw error;
      }
    },
  };
}
