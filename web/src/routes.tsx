import { lazy, Suspense, useEffect } from "react";
import type { ComponentType, ReactNode } from "react";
import { Navigate, Outlet, Route, Routes, useLocation, useSearchParams } from "react-router";
import { safeNext } from "./lib/next";
import { bootstrapSession, useSession } from "./auth/hooks";
import { DashboardLayout } from "./layout/DashboardLayout";
import { PublicLayout } from "./layout/PublicLayout";
import { ErrorBoundary } from "./ui/ErrorBoundary";
import { PageSkeleton } from "./layout/PageSkeleton";

// Route modules load on demand, so the first visit downloads only the page it opens.
const page = <T, K extends keyof T>(load: () => Promise<T>, name: K) =>
  lazy(async () => ({ default: (await load())[name] as unknown as ComponentType }));

const Login = page(() => import("./account/LoginPage"), "LoginPage");
const Register = page(() => import("./account/RegisterPage"), "RegisterPage");
const VerifyEmail = page(() => import("./account/VerifyEmailPage"), "VerifyEmailPage");
const ForgotPassword = page(() => import("./account/ForgotPasswordPage"), "ForgotPasswordPage");
const ResetPassword = page(() => import("./account/ResetPasswordPage"), "ResetPasswordPage");
const AcceptInvitation = page(
  () => import("./account/AcceptInvitationPage"),
  "AcceptInvitationPage",
);
const Onboarding = page(() => import("./onboarding/OnboardingPage"), "OnboardingPage");
const Overview = page(() => import("./overview/OverviewPage"), "OverviewPage");
const Transactions = page(() => import("./transactions/TransactionsPage"), "TransactionsPage");
const Analytics = page(() => import("./analytics/AnalyticsPage"), "AnalyticsPage");
const PaymentDetails = page(() => import("./payment/PaymentPage"), "PaymentPage");
const Webhooks = page(() => import("./webhooks/WebhooksPage"), "WebhooksPage");
const Settings = page(() => import("./settings/SettingsPage"), "SettingsPage");
const Wallet = page(() => import("./wallet/WalletPage"), "WalletPage");
const PaymentLinks = page(() => import("./paymentLinks/PaymentLinksPage"), "PaymentLinksPage");
const CreatePaymentLink = page(
  () => import("./paymentLinks/CreatePaymentLinkPage"),
  "CreatePaymentLinkPage",
);
const PaymentLinkDetails = page(() => import("./paymentLinks/PaymentLinkPage"), "PaymentLinkPage");
const Subscriptions = page(() => import("./subscriptions/SubscriptionsPage"), "SubscriptionsPage");
const CreateSubscription = page(
  () => import("./subscriptions/CreateSubscriptionPage"),
  "CreateSubscriptionPage",
);
const SubscriptionDetails = page(
  () => import("./subscriptions/SubscriptionPage"),
  "SubscriptionPage",
);
const Plans = page(() => import("./subscriptions/PlansPage"), "PlansPage");
const Disputes = page(() => import("./disputes/DisputesPage"), "DisputesPage");
const DisputeDetails = page(() => import("./disputes/DisputePage"), "DisputePage");
const Checkout = page(() => import("./checkout/CheckoutPage"), "CheckoutPage");
const PayLink = page(() => import("./checkout/PayLinkPage"), "PayLinkPage");
const NotFound = page(() => import("./layout/NotFoundPage"), "NotFoundPage");

/** Each route: its own error boundary and loading state. */
function Shell({ children }: { children: ReactNode }) {
  const location = useLocation();
  return (
    <ErrorBoundary resetKey={location.pathname}>
      <Suspense fallback={<PageSkeleton />}>{children}</Suspense>
    </ErrorBoundary>
  );
}

function RequireAuth() {
  const { ready, accessToken } = useSession();
  const location = useLocation();
  useEffect(() => {
    // Arriving from a page that did not start the session (the checkout).
    if (!ready) void bootstrapSession();
  }, [ready]);
  if (!ready) return <PageSkeleton />;
  if (!accessToken) {
    const next = location.pathname + location.search;
    return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

function GuestOnly() {
  const { ready, accessToken } = useSession();
  const [params] = useSearchParams();
  if (ready && accessToken) return <Navigate to={safeNext(params.get("next"))} replace />;
  return <Outlet />;
}

export function AppRoutes() {
  const s = (node: ReactNode) => <Shell>{node}</Shell>;
  return (
    <Routes>
      <Route path="/checkout/:paymentId" element={s(<Checkout />)} />
      <Route path="/pay/:slug" element={s(<PayLink />)} />
      <Route element={<PublicLayout />}>
        <Route element={<GuestOnly />}>
          <Route path="/login" element={s(<Login />)} />
          <Route path="/register" element={s(<Register />)} />
          <Route path="/forgot-password" element={s(<ForgotPassword />)} />
        </Route>
        <Route path="/verify-email" element={s(<VerifyEmail />)} />
        <Route path="/reset-password" element={s(<ResetPassword />)} />
      </Route>
      <Route element={<RequireAuth />}>
        <Route element={<PublicLayout />}>
          <Route path="/onboarding" element={s(<Onboarding />)} />
          <Route path="/invitations/accept" element={s(<AcceptInvitation />)} />
        </Route>
        <Route element={<DashboardLayout />}>
          <Route index element={s(<Overview />)} />
          <Route path="/transactions" element={s(<Transactions />)} />
          <Route path="/analytics" element={s(<Analytics />)} />
          <Route path="/payments/:id" element={s(<PaymentDetails />)} />
          <Route path="/disputes" element={s(<Disputes />)} />
          <Route path="/disputes/:id" element={s(<DisputeDetails />)} />
          <Route path="/payment-links" element={s(<PaymentLinks />)} />
          <Route path="/payment-links/new" element={s(<CreatePaymentLink />)} />
          <Route path="/payment-links/:id" element={s(<PaymentLinkDetails />)} />
          <Route path="/subscriptions" element={s(<Subscriptions />)} />
          <Route path="/subscriptions/new" element={s(<CreateSubscription />)} />
          <Route path="/subscriptions/plans" element={s(<Plans />)} />
          <Route path="/subscriptions/:id" element={s(<SubscriptionDetails />)} />
          <Route path="/webhooks/*" element={s(<Webhooks />)} />
          <Route path="/wallet" element={s(<Wallet />)} />
          <Route path="/settings/*" element={s(<Settings />)} />
          <Route path="*" element={s(<NotFound />)} />
        </Route>
      </Route>
    </Routes>
  );
}
