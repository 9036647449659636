import { useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { CardSkeleton } from "../ui/Skeleton";
import { useToast } from "../ui/toast";
import { useWorkspace } from "../workspace/hooks";
import { subscriptionPath } from "./labels";
import { SubscriptionForm } from "./SubscriptionForm";
import { usePlans } from "./usePlans";

export function CreateSubscriptionPage() {
  usePageTitle("Create a subscription");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const client = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const plans = usePlans();

  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="small">
        <Link to="/subscriptions">Subscriptions</Link> / <span>New</span>
      </nav>
      <div className="page-head">
        <div>
          <h1>Create a subscription</h1>
          <p className="muted">
            Saves the customer's card and charges it on the plan's schedule, in {scope.mode} mode.
          </p>
        </div>
      </div>
      {plans.isPending ? (
        <CardSkeleton />
      ) : plans.isError ? (
        <LoadFailed title="Plans could not be loaded" error={plans.error} retry={plans.refetch} />
      ) : plans.data.data.length === 0 ? (
        <EmptyState
          illustration="payments"
          title={`No ${scope.mode} plans yet`}
          action={
            <Link className="btn" to="/subscriptions/plans">
              Create a plan
            </Link>
          }
        >
          <p>A subscription bills a plan: create one first.</p>
        </EmptyState>
      ) : (
        <section className="card">
          <SubscriptionForm
            // A mode switch shows other plans: a new form for them.
            key={scope.mode}
            plans={plans.data.data}
            zone={zone}
            testMode={scope.mode === "test"}
            onCreated={(subscription) => {
              void client.invalidateQueries({ queryKey: ["subscriptions"] });
              toast.success("Subscription created");
              navigate(subscriptionPath(subscription.id));
            }}
          />
        </section>
      )}
    </div>
  );
}
