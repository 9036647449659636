import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Plan } from "../api/types";
import { Table } from "../analytics/Table";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { formatDateTime } from "../lib/time";
import { EmptyState, LoadFailed } from "../ui/EmptyState";
import { Pagination } from "../ui/Pagination";
import { TableSkeleton } from "../ui/Skeleton";
import { useToast } from "../ui/toast";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";
import { priceLabel } from "./labels";
import { PlanForm } from "./PlanForm";
import { SectionTabs } from "./SectionTabs";
import { usePlans } from "./usePlans";

const HEAD = [
  { label: "Name" },
  { label: "Price", num: true },
  { label: "Trial" },
  { label: "Retries (days)" },
  { label: "After the last retry" },
  { label: "Created" },
];

function PlansTable({ rows, zone }: { rows: Plan[]; zone: string }) {
  return (
    <Table caption="Plans" head={HEAD}>
      {rows.map((plan) => (
        <tr key={plan.id}>
          <td>
            {plan.name}
            <div className="muted small mono">{plan.id}</div>
          </td>
          <td className="num amount">{priceLabel(plan)}</td>
          <td>{plan.trialDays > 0 ? `${plan.trialDays} days` : "None"}</td>
          <td>{plan.retryDays.length > 0 ? plan.retryDays.join(", ") : "None"}</td>
          <td>{plan.finalStatus === "unpaid" ? "Unpaid" : "Canceled"}</td>
          <td className="nowrap">{formatDateTime(plan.createdAt, zone)}</td>
        </tr>
      ))}
    </Table>
  );
}

export function PlansPage() {
  usePageTitle("Plans");
  const scope = useWorkspace();
  const zone = useTimeZone();
  const merchant = useCurrentMerchant();
  const client = useQueryClient();
  const toast = useToast();
  const [page, setPage] = useState(1);
  // A new form (new Idempotency-Key, empty fields) for each plan.
  const [formKey, setFormKey] = useState(0);
  const query = usePlans(page);

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Plans</h1>
          <p className="muted">
            What a subscription charges and how often, in {scope.mode} mode. Times in {zone}.
          </p>
        </div>
      </div>
      <SectionTabs />

      <section className="card" aria-labelledby="plans-title">
        <h2 id="plans-title">Plans</h2>
        {query.isPending ? (
          <TableSkeleton columns={6} rows={3} />
        ) : query.isError ? (
          <LoadFailed title="Plans could not be loaded" error={query.error} retry={query.refetch} />
        ) : query.data.data.length === 0 ? (
          <EmptyState illustration="payments" title={`No ${scope.mode} plans yet`}>
            <p>Create one below, then put customers on it.</p>
          </EmptyState>
        ) : (
          <>
            <PlansTable rows={query.data.data} zone={zone} />
            <Pagination
              page={query.data.page}
              limit={query.data.limit}
              total={query.data.total}
              hasMore={query.data.hasMore}
              onPage={setPage}
              label="Plan pages"
            />
          </>
        )}
      </section>

      <section className="card" aria-labelledby="new-plan-title">
        <h2 id="new-plan-title">Create a plan</h2>
        <PlanForm
          key={formKey}
          defaultCurrency={merchant?.defaultCurrency ?? "INR"}
          onCreated={(plan) => {
            toast.success(`Plan ${plan.name} created`);
            void client.invalidateQueries({ queryKey: ["plans"] });
            setFormKey((key) => key + 1);
          }}
        />
      </section>
    </div>
  );
}
