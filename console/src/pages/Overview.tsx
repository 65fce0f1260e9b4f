/**
 * The operators' overview: how many tenants are in each state, which failed, which drifted (or whose
 * last drift check failed), and the operations running now.
 */
import { TENANT_STATES } from "../../../domain";
import type { OperationView, TenantView } from "../api/types";
import { Layout } from "../components/Layout";
import { changesOf, DriftBadge } from "../components/DriftStatus";
import { Notice } from "../components/Notice";
import { StateBadge } from "../components/StateBadge";
import { actorOf, timeOf } from "../format";
import { dataOf, useLoad } from "../load";
import { hrefOf } from "../router";
import { useSession } from "../session";

export function Overview() {
  const { api } = useSession();
  const fleet = useLoad(async () => {
    const { tenants } = dataOf(await api.GET("/tenants"));
    const running = await Promise.all(
      tenants.flatMap((tenant) => (tenant.activeOperationId ? [tenant.activeOperationId] : [])).map(async (id) => dataOf(await api.GET("/operations/{id}", { params: { path: { id } } }))),
    );
    return { tenants, running };
  }, "overview");
  return (
    <Layout title="Overview">
      <Notice kind="error">{fleet.error}</Notice>
      {fleet.data === undefined ? fleet.error ? null : <p role="status">Loading…</p> : <Fleet tenants={fleet.data.tenants} running={fleet.data.running} />}
      <button type="button" class="secondary" onClick={fleet.reload}>
        Refresh
      </button>
    </Layout>
  );
}

function Fleet({ tenants, running }: { tenants: readonly TenantView[]; running: readonly OperationView[] }) {
  const failed = tenants.filter((tenant) => tenant.state === "FAILED");
  const drifted = tenants.filter((tenant) => tenant.drift !== null && tenant.drift.result !== "in_sync" && tenant.state !== "DEPROVISIONED");
  const neverChecked = tenants.filter((tenant) => tenant.drift === null && tenant.state === "ACTIVE").length;
  return (
    <>
      <section aria-labelledby="counts">
        <h2 id="counts">Tenants by state</h2>
        <ul class="counts">
          {TENANT_STATES.map((state) => (
            <li key={state}>
              <a href={hrefOf({ page: "tenants", state })}>
                <span class="count">{tenants.filter((tenant) => tenant.state === state).length}</span> <StateBadge state={state} />
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="failed">
        <h2 id="failed">Failed tenants</h2>
        {failed.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {failed.map((tenant) => (
              <li key={tenant.tenantId}>
                <a href={hrefOf({ page: "tenant", tenantId: tenant.tenantId })}>{tenant.tenantId}</a> (since {timeOf(tenant.updatedAt)})
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="drifted">
        <h2 id="drifted">Drifted tenants</h2>
        {drifted.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {drifted.map((tenant) => (
              <li key={tenant.tenantId}>
                <a href={hrefOf({ page: "tenant", tenantId: tenant.tenantId })}>{tenant.tenantId}</a> <DriftBadge drift={tenant.drift} />{" "}
                {tenant.drift?.result === "drifted" ? `${changesOf(tenant.drift.changes)}, ` : ""}checked {timeOf(tenant.drift?.checkedAt)}
              </li>
            ))}
          </ul>
        )}
        <p class="hint">
          Drift is checked on every active tenant on the deployment's schedule (<code>FROSTBYTE_DRIFT_SCHEDULE</code>); <code>frostbyte fleet drift</code> checks now.
          {neverChecked > 0 ? ` ${neverChecked} active tenant${neverChecked === 1 ? " was" : "s were"} never checked.` : ""}
        </p>
      </section>
      <section aria-labelledby="running">
        <h2 id="running">Operations running now</h2>
        {running.length === 0 ? (
          <p>None.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Operation</th>
                <th scope="col">State</th>
                <th scope="col">Asked by</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {running.map((operation) => (
                <tr key={operation.operationId}>
                  <th scope="row">
                    <a href={hrefOf({ page: "tenant", tenantId: operation.tenantId })}>{operation.tenantId}</a>
                  </th>
                  <td>
                    <a href={hrefOf({ page: "operation", operationId: operation.operationId })}>{operation.kind}</a>
                  </td>
                  <td>
                    <StateBadge state={operation.state} />
                  </td>
                  <td>{actorOf(operation.actor)}</td>
                  <td>{timeOf(operation.startedAt ?? operation.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
