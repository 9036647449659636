import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "./api/client";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        retry: (failures, error) => {
          // 4xx answers will not change on a retry; network trouble and 5xx may.
          if (error instanceof ApiError && error.status < 500 && error.status !== 429) return false;
          return failures < 2;
        },
      },
      mutations: { retry: false },
    },
  });
}
