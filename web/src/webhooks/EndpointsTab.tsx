import { useState } from "react";
import { useForm } from "react-hook-form";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router";
import { errorMessage, webhooks } from "../api/client";
import { qk } from "../api/keys";
import type { Endpoint, EndpointCreated } from "../api/types";
import { SecretReveal } from "../apikeys/SecretReveal";
import { useTimeZone } from "../auth/hooks";
import { formatDateTime, zonedToUtcIso } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { EmptyState } from "../ui/EmptyState";
import { FormError, SelectField, TextField } from "../ui/Field";
import { ConfirmActions } from "../ui/ConfirmActions";
import { Modal } from "../ui/Modal";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useToast } from "../ui/toast";
import { useWorkspace } from "../workspace/hooks";
import { EndpointForm } from "./EndpointForm";
import { describeEvents, GRACE_CHOICES } from "./events";
import { EndpointStatusBadge } from "./EndpointStatusBadge";
import { HandshakeStatus } from "./HandshakeStatus";

type Dialog =
  | { kind: "create" }
  | { kind: "secret"; title: string; secret: string; created?: EndpointCreated }
  | { kind: "edit"; endpoint: Endpoint }
  | { kind: "rotate"; endpoint: Endpoint }
  | { kind: "replay"; endpoint: Endpoint }
  | { kind: "delete"; endpoint: Endpoint }
  | null;

function RotateForm({
  endpoint,
  onDone,
}: {
  endpoint: Endpoint;
  onDone: (secret: string) => void;
}) {
  const form = useForm<{ grace: string }>({ defaultValues: { grace: "86400" } });
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      onSubmit={form.handleSubmit(async ({ grace }) => {
        try {
          const rotated = await webhooks.rotateSecret(endpoint.id, Number(grace));
          onDone(rotated.secret);
        } catch (failure) {
          setError(errorMessage(failure));
        }
      })}
    >
      <p>
        A new signing secret replaces the current one. During the grace period every delivery is
        signed with both, so your server can switch over.
      </p>
      <FormError error={error} />
      <SelectField label="Grace period for the old secret" {...form.register("grace")}>
        {GRACE_CHOICES.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </SelectField>
      <div className="modal-actions">
        <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
          Rotate secret
        </button>
      </div>
    </form>
  );
}

function ReplayForm({ endpoint, onDone }: { endpoint: Endpoint; onDone: () => void }) {
  const toast = useToast();
  const zone = useTimeZone();
  const today = new Date().toISOString().slice(0, 10);
  const form = useForm<{
    sinceDay: string;
    sinceTime: string;
    untilDay: string;
    untilTime: string;
  }>({
    defaultValues: { sinceDay: today, sinceTime: "00:00", untilDay: "", untilTime: "23:59" },
  });
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      onSubmit={form.handleSubmit(async (values) => {
        const since = zonedToUtcIso(values.sinceDay, zone, values.sinceTime);
        const until = values.untilDay
          ? zonedToUtcIso(values.untilDay, zone, values.untilTime)
          : undefined;
        if (!since || until === null) {
          setError("Enter valid dates and times");
          return;
        }
        try {
          const result = await webhooks.replay(endpoint.id, since, until);
          toast.success(`Queued ${result.queued} event${result.queued === 1 ? "" : "s"} again`);
          onDone();
        } catch (failure) {
          setError(errorMessage(failure));
        }
      })}
    >
      <p>
        Sends again every event of the window this endpoint subscribes to, delivered or not. Times
        in {zone}.
      </p>
      <FormError error={error} />
      <div className="form-grid">
        <TextField
          type="date"
          label="Since (date)"
          required
          {...form.register("sinceDay", { required: true })}
        />
        <TextField type="time" label="Since (time)" {...form.register("sinceTime")} />
        <TextField type="date" label="Until (date, optional)" {...form.register("untilDay")} />
        <TextField type="time" label="Until (time)" {...form.register("untilTime")} />
      </div>
      <div className="modal-actions">
        <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
          Replay events
        </button>
      </div>
    </form>
  );
}

export function EndpointsTab() {
  const scope = useWorkspace();
  const zone = useTimeZone();
  const client = useQueryClient();
  const toast = useToast();
  const [dialog, setDialog] = useState<Dialog>(null);
  const query = useQuery({ queryKey: qk.endpoints(scope), queryFn: () => webhooks.endpoints() });
  const refresh = () => client.invalidateQueries({ queryKey: ["webhook-endpoints"] });
  const close = () => setDialog(null);

  const toggle = async (endpoint: Endpoint) => {
    try {
      await webhooks.update(endpoint.id, { enabled: !endpoint.enabled });
      toast.success(endpoint.enabled ? "Endpoint disabled" : "Endpoint enabled");
      void refresh();
    } catch (error) {
      toast.error(errorMessage(error));
    }
  };

  const endpoints = query.data?.data ?? [];
  return (
    <section aria-labelledby="endpoints-title">
      <div className="spread">
        <h2 id="endpoints-title">Endpoints</h2>
        <button type="button" className="btn" onClick={() => setDialog({ kind: "create" })}>
          Add endpoint
        </button>
      </div>
      {query.isPending ? (
        <TableSkeleton columns={4} rows={3} />
      ) : query.isError ? (
        <p className="alert alert-error">{errorMessage(query.error)}</p>
      ) : endpoints.length === 0 ? (
        <EmptyState illustration="webhooks" title={`No ${scope.mode} endpoints yet`}>
          <p>Add a URL of your server and Expe will POST signed events to it as payments happen.</p>
        </EmptyState>
      ) : (
        <ul className="list-plain">
          {endpoints.map((endpoint) => (
            <li key={endpoint.id} className="card" aria-label={`Endpoint ${endpoint.url}`}>
              <div className="spread">
                <div>
                  <strong className="mono">{endpoint.url}</strong>{" "}
                  <EndpointStatusBadge endpoint={endpoint} />
                  {endpoint.failingSince && <StatusBadge status="failed" label="Failing" />}
                </div>
                <Id value={endpoint.id} label="endpoint ID" />
              </div>
              {endpoint.description && <p>{endpoint.description}</p>}
              <p className="small muted">
                {describeEvents(endpoint.enabledEvents)} · created{" "}
                {formatDateTime(endpoint.createdAt, zone)}
                {endpoint.failingSince &&
                  ` · failing since ${formatDateTime(endpoint.failingSince, zone)}`}
                {endpoint.status === "disabled" &&
                  endpoint.disabledReason &&
                  ` · disabled: ${endpoint.disabledReason}`}
                {endpoint.status === "pending_verification" &&
                  ` · not verified yet${endpoint.handshake?.failure ? `: ${endpoint.handshake.failure.message}` : ""}`}
              </p>
              <div className="row">
                <Link
                  className="btn btn-sm"
                  to={`/webhooks/endpoints/${encodeURIComponent(endpoint.id)}`}
                  aria-label={`Test ${endpoint.url}`}
                >
                  Test
                </Link>
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  onClick={() => setDialog({ kind: "edit", endpoint })}
                >
                  Edit
                </button>
                {endpoint.status !== "pending_verification" && (
                  <button
                    type="button"
                    className="btn btn-secondary btn-sm"
                    onClick={() => void toggle(endpoint)}
                  >
                    {endpoint.enabled ? "Disable" : "Enable"}
                  </button>
                )}
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  onClick={() => setDialog({ kind: "replay", endpoint })}
                >
                  Replay
                </button>
                <button
                  type="button"
                  className="btn btn-secondary btn-sm"
                  onClick={() => setDialog({ kind: "rotate", endpoint })}
                >
                  Rotate secret
                </button>
                <button
                  type="button"
                  className="btn btn-danger btn-sm"
                  onClick={() => setDialog({ kind: "delete", endpoint })}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}

      <Modal open={dialog?.kind === "create"} title="Add a webhook endpoint" onClose={close}>
        <EndpointForm
          submitLabel="Add endpoint"
          onCancel={close}
          onSubmit={async (values) => {
            const created = await webhooks.create({
              url: values.url,
              enabledEvents: values.enabledEvents,
              ...(values.description ? { description: values.description } : {}),
              ...(values.verify ? { verification: "challenge" as const } : {}),
            });
            void refresh();
            setDialog({ kind: "secret", title: "Endpoint added", secret: created.secret, created });
          }}
        />
      </Modal>
      <Modal
        open={dialog?.kind === "secret"}
        title={dialog?.kind === "secret" ? dialog.title : ""}
        onClose={close}
      >
        {dialog?.kind === "secret" && (
          <>
            <p>Verify each delivery with this signing secret.</p>
            <SecretReveal label="Signing secret" secret={dialog.secret} />
            {dialog.created?.verification === "challenge" && (
              <HandshakeStatus endpoint={dialog.created} zone={zone} />
            )}
            <div className="modal-actions">
              <button type="button" className="btn" onClick={close}>
                Done
              </button>
            </div>
          </>
        )}
      </Modal>
      <Modal open={dialog?.kind === "edit"} title="Edit endpoint" onClose={close}>
        {dialog?.kind === "edit" && (
          <EndpointForm
            endpoint={dialog.endpoint}
            submitLabel="Save changes"
            onCancel={close}
            onSubmit={async ({ verify, ...values }) => {
              const verification = verify ? "challenge" : "none";
              const saved = await webhooks.update(dialog.endpoint.id, {
                ...values,
                ...(verification !== dialog.endpoint.verification ? { verification } : {}),
              });
              if (saved.status === "pending_verification")
                toast.error(
                  `Saved, not verified yet: ${saved.handshake?.failure?.message ?? "the challenge was not echoed"}`,
                );
              else toast.success("Endpoint saved");
              void refresh();
              close();
            }}
          />
        )}
      </Modal>
      <Modal open={dialog?.kind === "rotate"} title="Rotate signing secret" onClose={close}>
        {dialog?.kind === "rotate" && (
          <RotateForm
            endpoint={dialog.endpoint}
            onDone={(secret) => setDialog({ kind: "secret", title: "New signing secret", secret })}
          />
        )}
      </Modal>
      <Modal open={dialog?.kind === "replay"} title="Replay events" onClose={close}>
        {dialog?.kind === "replay" && <ReplayForm endpoint={dialog.endpoint} onDone={close} />}
      </Modal>
      <Modal open={dialog?.kind === "delete"} title="Delete endpoint?" onClose={close}>
        {dialog?.kind === "delete" && (
          <>
            <p>
              <span className="mono">{dialog.endpoint.url}</span> stops receiving events and its
              queued messages are canceled.
            </p>
            <ConfirmActions
              confirmLabel="Delete endpoint"
              done="Endpoint deleted"
              action={() => webhooks.remove(dialog.endpoint.id)}
              onDone={() => {
                void refresh();
                close();
              }}
              onKeep={close}
            />
          </>
        )}
      </Modal>
    </section>
  );
}
