/** A tenant's audit log in chain order, with the chain's verification result read with it. */
import { Notice } from "../../components/Notice";
import { actorOf, flatten, timeOf } from "../../format";
import { dataOf, useLoad } from "../../load";
import { useSession } from "../../session";

export function AuditSection({ tenantId }: { tenantId: string }) {
  const { api } = useSession();
  const audit = useLoad(async () => dataOf(await api.GET("/tenants/{id}/audit", { params: { path: { id: tenantId } } })), tenantId);
  const verification = audit.data?.verification;
  return (
    <section aria-labelledby="audit">
      <h2 id="audit">Audit log</h2>
      <Notice kind="error">{audit.error}</Notice>
      {verification === undefined ? null : verification.ok ? (
        <p class="chain chain-ok" id="chain-result">
          Chain verified: all {verification.checked} events hold their place, link and hash.
        </p>
      ) : (
        <p class="chain chain-broken" id="chain-result" role="alert">
          Chain broken at event {verification.firstBad?.chainSeq ?? "?"}: {verification.firstBad?.reason ?? "unknown reason"}.
        </p>
      )}
      {audit.data === undefined ? null : (
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Event</th>
              <th scope="col">When</th>
              <th scope="col">Actor</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {audit.data.events.map((event) => (
              <tr key={event.eventId}>
                <td>{event.chainSeq}</td>
                <th scope="row">{event.eventType}</th>
                <td>{timeOf(event.occurredAt)}</td>
                <td>{actorOf(event.actor)}</td>
                <td>
                  {flatten(event.details)
                    .map(([key, value]) => `${key}: ${value}`)
                    .join("; ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
