import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { errorMessage, merchants } from "../api/client";
import { qk } from "../api/keys";
import type { Role } from "../api/types";
import { useApiError } from "../account/useApiForm";
import { email } from "../account/schemas";
import { useMe, useTimeZone } from "../auth/hooks";
import { formatDateTime } from "../lib/time";
import { FormError, SelectField, TextField } from "../ui/Field";
import { TableSkeleton } from "../ui/Skeleton";
import { useToast } from "../ui/toast";
import { useCurrentMerchant } from "../workspace/hooks";

const inviteSchema = z.object({ email, role: z.enum(["developer", "viewer"]) });
const ROLES: Role[] = ["owner", "developer", "viewer"];

export function TeamTab() {
  const merchant = useCurrentMerchant();
  const me = useMe();
  const zone = useTimeZone();
  const toast = useToast();
  const client = useQueryClient();
  const merchantId = merchant?.id ?? "";
  const owner = merchant?.role === "owner";
  const pending = useQuery({
    queryKey: qk.invitations(merchantId),
    queryFn: async () => (await merchants.invitations(merchantId)).data,
    enabled: !!merchantId && owner,
  });
  const members = useQuery({
    queryKey: qk.members(merchantId),
    queryFn: async () => (await merchants.members(merchantId)).data,
    enabled: !!merchantId,
  });
  const form = useForm<z.infer<typeof inviteSchema>>({
    resolver: zodResolver(inviteSchema),
    defaultValues: { email: "", role: "developer" },
  });
  const { formError, report } = useApiError(form.setError, ["email", "role"]);
  const refresh = () => client.invalidateQueries({ queryKey: qk.members(merchantId) });

  return (
    <div>
      <section className="card" aria-labelledby="members-title">
        <h2 id="members-title">Team members</h2>
        {members.isPending && <TableSkeleton rows={2} columns={3} />}
        {members.isError && <p className="alert alert-error">{errorMessage(members.error)}</p>}
        {members.data && (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Members</caption>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Role</th>
                  <th scope="col" className="hide-narrow">
                    Joined
                  </th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {members.data.map((member) => (
                  <tr key={member.userId}>
                    <td>
                      {member.email ?? member.userId}
                      {member.userId === me?.id && <span className="muted"> (you)</span>}
                    </td>
                    <td>
                      {owner ? (
                        <SelectField
                          label={`Role of ${member.email ?? member.userId}`}
                          className="inline-field"
                          value={member.role}
                          onChange={async (event) => {
                            try {
                              await merchants.changeRole(
                                merchantId,
                                member.userId,
                                event.target.value as Role,
                              );
                              toast.success("Role changed");
                            } catch (error) {
                              toast.error(errorMessage(error));
                            }
                            void refresh();
                          }}
                        >
                          {ROLES.map((role) => (
                            <option key={role} value={role}>
                              {role}
                            </option>
                          ))}
                        </SelectField>
                      ) : (
                        member.role
                      )}
                    </td>
                    <td className="hide-narrow">{formatDateTime(member.joinedAt, zone)}</td>
                    <td>
                      {owner && member.userId !== me?.id && (
                        <button
                          type="button"
                          className="btn btn-danger btn-sm"
                          onClick={async () => {
                            try {
                              await merchants.removeMember(merchantId, member.userId);
                              toast.success("Member removed");
                              void refresh();
                            } catch (error) {
                              toast.error(errorMessage(error));
                            }
                          }}
                        >
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {owner && (
        <section className="card" aria-labelledby="invite-title">
          <h2 id="invite-title">Invite a teammate</h2>
          <p className="muted">Developers manage projects, keys and webhooks; viewers only read.</p>
          <form
            noValidate
            onSubmit={form.handleSubmit(async (values) => {
              try {
                const invitation = await merchants.invite(merchantId, values);
                await client.invalidateQueries({ queryKey: qk.invitations(merchantId) });
                form.reset({ email: "", role: values.role });
                toast.success(`Invitation sent to ${invitation.email}`);
              } catch (error) {
                report(error);
              }
            })}
          >
            <FormError error={formError} />
            <div className="form-grid">
              <TextField
                label="Email"
                type="email"
                error={form.formState.errors.email?.message}
                {...form.register("email")}
              />
              <SelectField label="Role" {...form.register("role")}>
                <option value="developer">Developer</option>
                <option value="viewer">Viewer</option>
              </SelectField>
            </div>
            <button type="submit" className="btn" disabled={form.formState.isSubmitting}>
              Send invitation
            </button>
          </form>
          {pending.data && pending.data.length > 0 && (
            <>
              <h3 className="section">Invitations waiting</h3>
              <ul className="list-plain">
                {pending.data.map((invitation) => (
                  <li key={invitation.id} className="spread">
                    <span>
                      {invitation.email} · {invitation.role}
                    </span>
                    <span className="small muted">
                      expires {formatDateTime(invitation.expiresAt, zone)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </div>
  );
}
