import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, wallets } from "../api/client";
import { qk } from "../api/keys";
import type { Wallet } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { useTimeZone } from "../auth/hooks";
import { usePageTitle } from "../layout/usePageTitle";
import { CURRENCIES } from "../lib/countries";
import { saveResponse } from "../lib/download";
import { formatMoney, parseAmount } from "../lib/money";
import { formatDateTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { EmptyState } from "../ui/EmptyState";
import { FormError, SelectField, TextField } from "../ui/Field";
import { Pagination } from "../ui/Pagination";
import { CardSkeleton, TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useToast } from "../ui/toast";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";

function amountSchema(currency: string) {
  return z.string().refine((value) => {
    const minor = parseAmount(value, currency);
    return minor !== null && minor > 0;
  }, `Enter an amount in ${currency} above zero`);
}

function TopupForm({ wallet, onDone }: { wallet: Wallet; onDone: () => void }) {
  const toast = useToast();
  const schema = z.object({
    amount: amountSchema(wallet.currency),
    source: z.enum(["bank", "upi"]),
  });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { amount: "", source: "bank" },
  });
  const { formError, report } = useApiError(form.setError, ["amount"]);
  return (
    <form
      noValidate
      aria-label="Top up"
      onSubmit={form.handleSubmit(async (values) => {
        try {
          const amount = parseAmount(values.amount, wallet.currency) ?? 0;
          const movement = await wallets.topup({
            walletId: wallet.id,
            amount,
            source: { type: values.source },
          });
          toast.success(`Added ${formatMoney(movement.amount, movement.currency)}`);
          form.reset({ amount: "", source: values.source });
          onDone();
        } catch (error) {
          report(error);
        }
      })}
    >
      <h3>Top up</h3>
      <FormError error={formError} />
      <div className="form-grid">
        <TextField
          label={`Top-up amount (${wallet.currency})`}
          inputMode="decimal"
          error={form.formState.errors.amount?.message}
          {...form.register("amount")}
        />
        <SelectField label="From" {...form.register("source")}>
          <option value="bank">Bank account (sandbox)</option>
          <option value="upi">UPI (sandbox)</option>
        </SelectField>
      </div>
      <p className="hint">Sandbox: amounts ending in .99 are declined.</p>
      <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
        Add money
      </button>
    </form>
  );
}

function TransferForm({ wallet, onDone }: { wallet: Wallet; onDone: () => void }) {
  const toast = useToast();
  const schema = z.object({
    to: z.string().trim().min(1, "Enter a wallet ID (wal_…) or an email address"),
    amount: amountSchema(wallet.currency).refine(
      (value) => (parseAmount(value, wallet.currency) ?? 0) <= wallet.available,
      `At most ${formatMoney(wallet.available, wallet.currency)} is available`,
    ),
    note: z.string().max(500),
  });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { to: "", amount: "", note: "" },
  });
  const { formError, report } = useApiError(form.setError, ["amount", "note"]);
  return (
    <form
      noValidate
      aria-label="Transfer"
      onSubmit={form.handleSubmit(async (values) => {
        try {
          const amount = parseAmount(values.amount, wallet.currency) ?? 0;
          const to = values.to.includes("@") ? { email: values.to } : { walletId: values.to };
          const movement = await wallets.transfer({
            fromWalletId: wallet.id,
            to,
            amount,
            currency: wallet.currency,
            ...(values.note ? { note: values.note } : {}),
          });
          toast.success(`Sent ${formatMoney(movement.amount, movement.currency)}`);
          form.reset({ to: "", amount: "", note: "" });
          onDone();
        } catch (error) {
          report(error);
        }
      })}
    >
      <h3>Transfer</h3>
      <FormError error={formError} />
      <TextField
        label="Recipient (wallet ID or email)"
        error={form.formState.errors.to?.message}
        {...form.register("to")}
      />
      <div className="form-grid">
        <TextField
          label={`Transfer amount (${wallet.currency})`}
          inputMode="decimal"
          error={form.formState.errors.amount?.message}
          {...form.register("amount")}
        />
        <TextField
          label="Note (optional)"
          error={form.formState.errors.note?.message}
          {...form.register("note")}
        />
      </div>
      <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
        Send money
      </button>
    </form>
  );
}

function Statement({ wallet }: { wallet: Wallet }) {
  const scope = useWorkspace();
  const zone = useTimeZone();
  const toast = useToast();
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: qk.entries(scope, wallet.id, page),
    queryFn: () => wallets.entries(wallet.id, page),
    placeholderData: keepPreviousData,
  });
  return (
    <section className="card" aria-labelledby="statement-title">
      <div className="spread">
        <h2 id="statement-title">Statement</h2>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          onClick={async () => {
            try {
              await saveResponse(await wallets.statementCsv(wallet.id), `${wallet.id}.csv`);
            } catch (error) {
              toast.error(errorMessage(error));
            }
          }}
        >
          Download CSV
        </button>
      </div>
      {query.isPending ? (
        <TableSkeleton rows={4} />
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : query.data.data.length === 0 ? (
        <EmptyState illustration="wallet" title="No entries yet">
          <p>Top-ups, transfers and wallet payments appear here.</p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Wallet entries</caption>
              <thead>
                <tr>
                  <th scope="col">Entry</th>
                  <th scope="col" className="num">
                    Change
                  </th>
                  <th scope="col" className="num">
                    Balance after
                  </th>
                  <th scope="col">Time</th>
                </tr>
              </thead>
              <tbody>
                {query.data.data.map((entry) => (
                  <tr key={entry.id}>
                    <td>
                      {entry.kind.replace(/_/g, " ")}{" "}
                      {entry.status === "declined" && <StatusBadge status="declined" />}
                      <div className="small mono muted">{entry.movementId}</div>
                    </td>
                    <td className={`num amount ${entry.availableChange < 0 ? "negative" : ""}`}>
                      {entry.availableChange > 0 ? "+" : ""}
                      {formatMoney(entry.availableChange, wallet.currency)}
                      {entry.heldChange !== 0 && (
                        <div className="small muted">
                          held {formatMoney(entry.heldChange, wallet.currency)}
                        </div>
                      )}
                    </td>
                    <td className="num amount">{formatMoney(entry.available, wallet.currency)}</td>
                    <td className="nowrap small">{formatDateTime(entry.createdAt, zone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination {...query.data} onPage={setPage} label="Statement pages" />
        </>
      )}
    </section>
  );
}

export function WalletPage() {
  usePageTitle("Wallet");
  const scope = useWorkspace();
  const merchant = useCurrentMerchant();
  const client = useQueryClient();
  const toast = useToast();
  const [selected, setSelected] = useState<string | null>(null);
  const [currency, setCurrency] = useState(merchant?.defaultCurrency ?? "INR");
  const query = useQuery({
    queryKey: qk.wallets(scope),
    queryFn: async () => (await wallets.list()).data,
  });
  const list = query.data ?? [];
  const wallet = list.find((item) => item.id === selected) ?? list[0] ?? null;
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["wallets"] });
    void client.invalidateQueries({ queryKey: ["wallet-entries"] });
  };

  const openWallet = async () => {
    try {
      const opened = await wallets.open(currency);
      setSelected(opened.id);
      refresh();
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Wallet</h1>
          <p className="muted">
            {merchant?.name}’s balances in {scope.mode} mode. Wallet payments are paid into them and
            refunds paid out.
          </p>
        </div>
        <div className="row">
          <SelectField
            label="Currency"
            value={currency}
            onChange={(event) => setCurrency(event.target.value)}
            className="inline-field"
          >
            {CURRENCIES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </SelectField>
          <button type="button" className="btn btn-secondary" onClick={() => void openWallet()}>
            Open wallet
          </button>
        </div>
      </div>
      {query.isPending ? (
        <div className="grid-cards">
          <CardSkeleton />
          <CardSkeleton />
        </div>
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : list.length === 0 ? (
        <EmptyState
          illustration="wallet"
          title="No wallets yet"
          action={
            <button type="button" className="btn" onClick={() => void openWallet()}>
              Open a {currency} wallet
            </button>
          }
        >
          <p>A wallet holds money from wallet payments and top-ups.</p>
        </EmptyState>
      ) : (
        <>
          <div className="grid-cards" role="list" aria-label="Wallets">
            {list.map((item) => (
              <button
                type="button"
                role="listitem"
                key={item.id}
                className={`card wallet-card ${wallet?.id === item.id ? "selected" : ""}`}
                aria-current={wallet?.id === item.id ? "true" : undefined}
                onClick={() => setSelected(item.id)}
              >
                <span className="stat-label">{item.currency} available</span>
                <span className="stat-value">{formatMoney(item.available, item.currency)}</span>
                <span className="small muted">
                  {formatMoney(item.held, item.currency)} held ·{" "}
                  {formatMoney(item.total, item.currency)} total
                </span>
              </button>
            ))}
          </div>
          {wallet && (
            <>
              <p className="small">
                Selected wallet <Id value={wallet.id} label="wallet ID" />
              </p>
              <div className="two-col">
                <Statement wallet={wallet} />
                <div className="card stack">
                  <TopupForm wallet={wallet} onDone={refresh} />
                  <hr />
                  <TransferForm wallet={wallet} onDone={refresh} />
                </div>
              </div>
            </>
          )}
        </>
      )}
    </div>
  );
}
