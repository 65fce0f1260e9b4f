/** The tenants the caller may see, with state, last drift check and running operation, filtered by state. */
import { TENANT_STATES, type TenantState } from "../../../domain";
import { Layout } from "../components/Layout";
import { DriftCell } from "../components/DriftStatus";
import { Notice } from "../components/Notice";
import { StateBadge } from "../components/StateBadge";
import { timeOf } from "../format";
import { dataOf, useLoad } from "../load";
import { hrefOf, navigate } from "../router";
import { useSession } from "../session";

export function TenantList({ state }: { state: TenantState | undefined }) {
  const { api } = useSession();
  const tenants = useLoad(async () => dataOf(await api.GET("/tenants", { params: { query: state ? { state } : {} } })).tenants, state ?? "");
  return (
    <Layout title="Tenants">
      <form class="filter" onSubmit={(event) => event.preventDefault()}>
        <label for="state-filter">State</label>
        <select
          id="state-filter"
          value={state ?? ""}
          onChange={(event) => {
            const value = event.currentTarget.value as TenantState | "";
            navigate(value === "" ? { page: "tenants" } : { page: "tenants", state: value });
          }}
        >
          <option value="">All states</option>
          {TENANT_STATES.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </form>
      <Notice kind="error">{tenants.error}</Notice>
      {tenants.data === undefined ? (
        tenants.error ? null : <p role="status">Loading…</p>
      ) : tenants.data.length === 0 ? (
        <p>No tenant{state ? ` is ${state}` : ""}.</p>
      ) : (
        <table class="tenants">
          <caption>{state ? `Tenants in state ${state}` : "All tenants"}, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">State</th>
              <th scope="col">Drift (last check)</th>
              <th scope="col">Running operation</th>
              <th scope="col">Config version</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {tenants.data.map((tenant) => (
              <tr key={tenant.tenantId}>
                <th scope="row">
                  <a href={hrefOf({ page: "tenant", tenantId: tenant.tenantId })}>{tenant.tenantId}</a>
                </th>
                <td>
                  <StateBadge state={tenant.state} />
                </td>
                <td class="drift">
                  <DriftCell drift={tenant.drift} />
                </td>
                <td>{tenant.activeOperationId ? <a href={hrefOf({ page: "operation", operationId: tenant.activeOperationId })}>follow it</a> : "none"}</td>
                <td>{tenant.configVersion}</td>
                <td>{timeOf(tenant.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}
