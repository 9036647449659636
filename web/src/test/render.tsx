import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { MemoryRouter, Route, Routes } from "react-router";
import { App } from "../App";
import { session } from "../auth/session";
import { makeQueryClient } from "../queryClient";
import { ToastProvider } from "../ui/toast";
import { workspace } from "../workspace/store";
import { merchant, tokens } from "./fixtures";

export function logIn(): void {
  session.start(tokens);
  workspace.setMerchant(merchant.id);
  workspace.setMode("test");
}

/** The whole app at `path` (the real routes, layouts and lazy pages). */
export function renderApp(path: string, { loggedIn = true } = {}) {
  if (loggedIn) logIn();
  window.history.pushState({}, "", path);
  return render(<App />);
}

/** One component inside the providers, at `path` matching `pattern`. */
export function renderWithProviders(ui: ReactElement, { path = "/", pattern = "*" } = {}) {
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 } });
  return render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={pattern} element={ui} />
          </Routes>
        </MemoryRouter>
      </ToastProvider>
    </QueryClientProvider>,
  );
}
