import { useQuery } from "@tanstack/react-query";
import { errorMessage, rateLimits } from "../api/client";
import { qk } from "../api/keys";
import { TableSkeleton } from "../ui/Skeleton";
import { useCurrentMerchant, useWorkspace } from "../workspace/hooks";

export function LimitsTab() {
  const scope = useWorkspace();
  const merchant = useCurrentMerchant();
  const query = useQuery({
    queryKey: qk.rateLimits(scope),
    queryFn: rateLimits,
    refetchInterval: 10_000,
  });
  return (
    <section aria-labelledby="limits-title">
      <h2 id="limits-title">Rate limits</h2>
      <p className="muted">
        What applies to your dashboard session now. API keys of {merchant?.name ?? "this merchant"}{" "}
        follow the {merchant?.plan ?? "standard"} plan (standard: 25 requests/s in test mode, 100/s
        live). Over a limit the API answers 429 with Retry-After.
      </p>
      {query.isPending && <TableSkeleton rows={3} columns={4} />}
      {query.isError && <p className="alert alert-error">{errorMessage(query.error)}</p>}
      {query.data && !query.data.enabled && (
        <p className="alert alert-info">Rate limiting is turned off on this server.</p>
      )}
      {query.data && query.data.enabled && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Rate limits</caption>
            <thead>
              <tr>
                <th scope="col">Bucket</th>
                <th scope="col" className="num">
                  Limit
                </th>
                <th scope="col" className="num">
                  Remaining
                </th>
                <th scope="col" className="num">
                  Resets in
                </th>
              </tr>
            </thead>
            <tbody>
              {query.data.data.map((limit) => (
                <tr key={limit.name}>
                  <td>
                    <code>{limit.name}</code>
                  </td>
                  <td className="num">
                    {limit.limit} per{" "}
                    {limit.windowSeconds === 1 ? "second" : `${limit.windowSeconds} s`}
                  </td>
                  <td className="num">{limit.remaining}</td>
                  <td className="num">{limit.resetSeconds.toFixed(1)} s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
