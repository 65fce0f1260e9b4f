/** A tenant's operations history, newest first, each linked to its progress. */
import { StateBadge } from "../../components/StateBadge";
import { Notice } from "../../components/Notice";
import { actorOf, timeOf } from "../../format";
import { dataOf, useLoad } from "../../load";
import { hrefOf } from "../../router";
import { useSession } from "../../session";

export function OperationsSection({ tenantId }: { tenantId: string }) {
  const { api } = useSession();
  const history = useLoad(async () => dataOf(await api.GET("/tenants/{id}/operations", { params: { path: { id: tenantId } } })).operations, tenantId);
  return (
    <section aria-labelledby="operations">
      <h2 id="operations">Operations</h2>
      <Notice kind="error">{history.error}</Notice>
      {history.data === undefined ? null : history.data.length === 0 ? (
        <p>None.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Operation</th>
              <th scope="col">State</th>
              <th scope="col">Asked by</th>
              <th scope="col">Asked</th>
              <th scope="col">Finished</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((operation) => (
              <tr key={operation.operationId}>
                <th scope="row">
                  <a href={hrefOf({ page: "operation", operationId: operation.operationId })}>{operation.kind}</a>
                </th>
                <td>
                  <StateBadge state={operation.state} />
                </td>
                <td>{actorOf(operation.actor)}</td>
                <td>{timeOf(operation.createdAt)}</td>
                <td>{timeOf(operation.finishedAt)}</td>
                <td class="error-text">{operation.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
