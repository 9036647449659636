import { useEffect, useState } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter } from "react-router";
import { bootstrapSession } from "./auth/hooks";
import { followOtherTabs } from "./auth/session";
import { RouteAnnouncer } from "./layout/RouteAnnouncer";
import { makeQueryClient } from "./queryClient";
import { AppRoutes } from "./routes";
import { ToastProvider } from "./ui/toast";

export function App() {
  const [client] = useState(makeQueryClient);
  useEffect(() => {
    // The hosted checkout and a payment link's page are the customer's: they never touch a
    // dashboard session.
    const customerPage = /^\/(checkout|pay)\//.test(window.location.pathname);
    if (!customerPage) void bootstrapSession();
    return followOtherTabs();
  }, []);
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <BrowserRouter>
          <AppRoutes />
          <RouteAnnouncer />
        </BrowserRouter>
      </ToastProvider>
    </QueryClientProvider>
  );
}
