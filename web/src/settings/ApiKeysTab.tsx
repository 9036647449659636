import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { apiKeys, errorMessage, merchants } from "../api/client";
import { qk } from "../api/keys";
import type { ApiKey, ApiKeyCreated } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { allowlistSchema, CreateKeyForm, parseAllowlist } from "../apikeys/CreateKeyForm";
import { SecretReveal } from "../apikeys/SecretReveal";
import { useTimeZone } from "../auth/hooks";
import { formatDateTime, relativeTime } from "../lib/time";
import { Id } from "../ui/CopyButton";
import { EmptyState } from "../ui/EmptyState";
import { FormError, SelectField, TextAreaField, TextField } from "../ui/Field";
import { ConfirmActions } from "../ui/ConfirmActions";
import { Modal } from "../ui/Modal";
import { TableSkeleton } from "../ui/Skeleton";
import { StatusBadge } from "../ui/StatusBadge";
import { useToast } from "../ui/toast";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";

type Dialog =
  | { kind: "create" }
  | { kind: "created"; key: ApiKeyCreated; title: string }
  | { kind: "rotate"; key: ApiKey }
  | { kind: "revoke"; key: ApiKey }
  | { kind: "edit"; key: ApiKey }
  | { kind: "project" }
  | null;

const GRACE = [
  { value: "0", label: "Stop the old key now" },
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "24 hours (default)" },
];

function EditKeyForm({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const schema = z.object({ name: z.string().trim().max(100), ipAllowlist: allowlistSchema });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { name: apiKey.name ?? "", ipAllowlist: apiKey.ipAllowlist.join("\n") },
  });
  const { formError, report } = useApiError(form.setError, ["name", "ipAllowlist"]);
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(async (values) => {
        try {
          await apiKeys.update(apiKey.id, {
            ...(values.name ? { name: values.name } : {}),
            ipAllowlist: parseAllowlist(values.ipAllowlist),
          });
          onDone();
        } catch (error) {
          report(error);
        }
      })}
    >
      <FormError error={formError} />
      <TextField
        label="Key name"
        error={form.formState.errors.name?.message}
        {...form.register("name")}
      />
      <TextAreaField
        label="IP allowlist"
        hint="One address or CIDR range per line; empty allows any address."
        rows={4}
        error={form.formState.errors.ipAllowlist?.message}
        {...form.register("ipAllowlist")}
      />
      <div className="modal-actions">
        <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
          Save key
        </button>
      </div>
    </form>
  );
}

function ProjectForm({ merchantId, onDone }: { merchantId: string; onDone: (id: string) => void }) {
  const schema = z.object({ name: z.string().trim().min(1, "Enter a project name").max(100) });
  const form = useForm<{ name: string }>({ resolver: zodResolver(schema) });
  const { formError, report } = useApiError(form.setError, ["name"]);
  return (
    <form
      noValidate
      onSubmit={form.handleSubmit(async ({ name }) => {
        try {
          onDone((await merchants.createProject(merchantId, name)).id);
        } catch (error) {
          report(error);
        }
      })}
    >
      <FormError error={formError} />
      <TextField
        label="Project name"
        error={form.formState.errors.name?.message}
        {...form.register("name")}
      />
      <div className="modal-actions">
        <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
          Create project
        </button>
      </div>
    </form>
  );
}

export function ApiKeysTab() {
  const merchant = useCurrentMerchant();
  const { mode } = useWorkspace();
  const zone = useTimeZone();
  const toast = useToast();
  const client = useQueryClient();
  const [chosen, setChosen] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [grace, setGrace] = useState("86400");
  const merchantId = merchant?.id ?? "";
  const projects = useQuery({
    queryKey: qk.projects(merchantId),
    queryFn: async () => (await merchants.projects(merchantId)).data,
    enabled: !!merchantId,
  });
  const projectId = chosen ?? projects.data?.[0]?.id ?? null;
  const keys = useQuery({
    queryKey: qk.apiKeys(projectId ?? ""),
    queryFn: async () => (await apiKeys.list(projectId as string)).data,
    enabled: !!projectId,
  });
  const close = () => setDialog(null);
  const refresh = () => client.invalidateQueries({ queryKey: ["api-keys"] });
  const canManage = merchant?.role !== "viewer";

  return (
    <section aria-labelledby="keys-title">
      <div className="spread">
        <h2 id="keys-title">API keys</h2>
        <div className="row">
          {projects.data && projects.data.length > 0 && (
            <SelectField
              label="Project"
              value={projectId ?? ""}
              onChange={(event) => setChosen(event.target.value)}
            >
              {projects.data.map((project) => (
                <option key={project.id} value={project.id}>
                  {project.name}
                </option>
              ))}
            </SelectField>
          )}
          {canManage && (
            <>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => setDialog({ kind: "project" })}
              >
                New project
              </button>
              {projectId && (
                <button type="button" className="btn" onClick={() => setDialog({ kind: "create" })}>
                  Create key
                </button>
              )}
            </>
          )}
        </div>
      </div>
      {projects.isPending ? (
        <TableSkeleton rows={3} />
      ) : projects.isError ? (
        <p className="alert alert-error">{errorMessage(projects.error)}</p>
      ) : !projectId ? (
        <EmptyState
          illustration="keys"
          title="No projects yet"
          action={
            <button type="button" className="btn" onClick={() => setDialog({ kind: "project" })}>
              Create a project
            </button>
          }
        >
          <p>API keys belong to a project.</p>
        </EmptyState>
      ) : keys.isPending ? (
        <TableSkeleton rows={3} />
      ) : keys.isError ? (
        <p className="alert alert-error">{errorMessage(keys.error)}</p>
      ) : keys.data.length === 0 ? (
        <EmptyState
          illustration="keys"
          title="No keys in this project"
          action={
            canManage ? (
              <button type="button" className="btn" onClick={() => setDialog({ kind: "create" })}>
                Create key
              </button>
            ) : undefined
          }
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">
                  Last used
                </th>
                <th scope="col" className="hide-narrow">
                  IP allowlist
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => (
                <tr key={key.id}>
                  <td>
                    <div>{key.name ?? "Unnamed key"}</div>
                    <code className="small">
                      {key.prefix}…{key.last4}
                    </code>
                    <div className="small">
                      <Id value={key.id} label="key ID" />
                    </div>
                  </td>
                  <td>
                    {key.mode} {key.type}
                  </td>
                  <td>
                    <StatusBadge status={key.status} />
                    {key.status === "expiring" && key.expiresAt && (
                      <div className="small muted">stops {relativeTime(key.expiresAt)}</div>
                    )}
                  </td>
                  <td className="hide-narrow small">
                    {key.lastUsedAt ? formatDateTime(key.lastUsedAt, zone) : "Never"}
                  </td>
                  <td className="hide-narrow small">
                    {key.ipAllowlist.length ? key.ipAllowlist.join(", ") : "Any address"}
                  </td>
                  <td>
                    {canManage && key.status !== "revoked" && (
                      <div className="row">
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => setDialog({ kind: "edit", key })}
                        >
                          Edit
                        </button>
                        {key.status === "active" && (
                          <button
                            type="button"
                            className="btn btn-secondary btn-sm"
                            onClick={() => setDialog({ kind: "rotate", key })}
                          >
                            Rotate
                          </button>
                        )}
                        <button
                          type="button"
                          className="btn btn-danger btn-sm"
                          onClick={() => setDialog({ kind: "revoke", key })}
                        >
                          Revoke
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <Modal open={dialog?.kind === "create"} title="Create an API key" onClose={close}>
        {dialog?.kind === "create" && projectId && (
          <CreateKeyForm
            projectId={projectId}
            defaultMode={mode}
            onCreated={(key) => {
              void refresh();
              setDialog({ kind: "created", key, title: "API key created" });
            }}
          />
        )}
      </Modal>
      <Modal
        open={dialog?.kind === "created"}
        title={dialog?.kind === "created" ? dialog.title : ""}
        onClose={close}
      >
        {dialog?.kind === "created" && (
          <>
            <SecretReveal label="API key" secret={dialog.key.secret} />
            <div className="modal-actions">
              <button type="button" className="btn" onClick={close}>
                Done
              </button>
            </div>
          </>
        )}
      </Modal>
      <Modal open={dialog?.kind === "rotate"} title="Rotate API key" onClose={close}>
        {dialog?.kind === "rotate" && (
          <>
            <p>
              A new key replaces this one. The old key keeps working during the grace period so you
              can deploy the new one.
            </p>
            <SelectField
              label="Grace period"
              value={grace}
              onChange={(event) => setGrace(event.target.value)}
            >
              {GRACE.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </SelectField>
            <div className="modal-actions">
              <button
                type="button"
                className="btn"
                onClick={async () => {
                  try {
                    const key = await apiKeys.rotate(dialog.key.id, Number(grace));
                    void refresh();
                    setDialog({ kind: "created", key, title: "New API key" });
                  } catch (error) {
                    toast.error(errorMessage(error));
                  }
                }}
              >
                Rotate key
              </button>
            </div>
          </>
        )}
      </Modal>
      <Modal open={dialog?.kind === "revoke"} title="Revoke API key?" onClose={close}>
        {dialog?.kind === "revoke" && (
          <>
            <p>
              Requests with{" "}
              <code>
                {dialog.key.prefix}…{dialog.key.last4}
              </code>{" "}
              stop working within seconds. This cannot be undone.
            </p>
            <ConfirmActions
              confirmLabel="Revoke key"
              done="Key revoked"
              action={() => apiKeys.revoke(dialog.key.id)}
              onDone={() => {
                void refresh();
                close();
              }}
              onKeep={close}
            />
          </>
        )}
      </Modal>
      <Modal open={dialog?.kind === "edit"} title="Edit API key" onClose={close}>
        {dialog?.kind === "edit" && (
          <EditKeyForm
            apiKey={dialog.key}
            onDone={() => {
              toast.success("Key saved");
              void refresh();
              close();
            }}
          />
        )}
      </Modal>
      <Modal open={dialog?.kind === "project"} title="New project" onClose={close}>
        {dialog?.kind === "project" && merchantId && (
          <ProjectForm
            merchantId={merchantId}
            onDone={(id) => {
              void client.invalidateQueries({ queryKey: qk.projects(merchantId) });
              setChosen(id);
              close();
            }}
          />
        )}
      </Modal>
    </section>
  );
}
