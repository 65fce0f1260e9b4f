/** One tenant: its state, drift and actions, endpoints (never a credential), config, operations and audit log. */
import { useState } from "preact/hooks";
import { ACTION_TEXT, startAction, TENANT_ACTIONS, type TenantAction } from "../actions";
import type { TenantView } from "../api/types";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { DriftStatus } from "../components/DriftStatus";
import { Layout } from "../components/Layout";
import { Notice } from "../components/Notice";
import { StateBadge } from "../components/StateBadge";
import { flatten, timeOf } from "../format";
import { dataOf, useLoad } from "../load";
import { offers } from "../roles";
import { hrefOf, navigate } from "../router";
import { useSession } from "../session";
import { AuditSection } from "./tenant/AuditSection";
import { OperationsSection } from "./tenant/OperationsSection";

export function TenantPage({ tenantId }: { tenantId: string }) {
  const { api } = useSession();
  const tenant = useLoad(async () => dataOf(await api.GET("/tenants/{id}", { params: { path: { id: tenantId } } })), tenantId);
  return (
    <Layout title={`Tenant ${tenantId}`}>
      <Notice kind="error">{tenant.error}</Notice>
      {tenant.data === undefined ? (
        tenant.error ? null : <p role="status">Loading…</p>
      ) : (
        <>
          <Summary tenant={tenant.data} />
          <Actions tenant={tenant.data} />
          <Endpoints endpoints={tenant.data.endpoints} />
          <ConfigSection tenant={tenant.data} />
          <OperationsSection tenantId={tenantId} />
          <AuditSection tenantId={tenantId} />
        </>
      )}
    </Layout>
  );
}

function Summary({ tenant }: { tenant: TenantView }) {
  return (
    <dl class="facts">
      <dt>State</dt>
      <dd>
        <StateBadge state={tenant.state} />
      </dd>
      <dt>Drift (last check)</dt>
      <dd>
        <DriftStatus drift={tenant.drift} />
      </dd>
      <dt>Running operation</dt>
      <dd>{tenant.activeOperationId ? <a href={hrefOf({ page: "operation", operationId: tenant.activeOperationId })}>follow it</a> : "none"}</dd>
      <dt>Config version</dt>
      <dd>{tenant.configVersion}</dd>
      <dt>Created</dt>
      <dd>{timeOf(tenant.createdAt)}</dd>
      <dt>Provisioned</dt>
      <dd>{timeOf(tenant.provisionedAt)}</dd>
      <dt>Updated</dt>
      <dd>{timeOf(tenant.updatedAt)}</dd>
    </dl>
  );
}

function Actions({ tenant }: { tenant: TenantView }) {
  const { api, caller } = useSession();
  const [asking, setAsking] = useState<TenantAction>();
  const [error, setError] = useState<string>();
  const busy = tenant.activeOperationId !== null;
  const offered = TENANT_ACTIONS.filter((action) => offers(caller, tenant, action));
  const settings = offers(caller, tenant, "settings");
  if (offered.length === 0 && !settings) return null;
  const text = asking ? ACTION_TEXT[asking] : undefined;
  return (
    <section aria-labelledby="actions">
      <h2 id="actions">Actions</h2>
      {busy ? <p class="hint">An operation is running on this tenant; actions are offered again once it has finished.</p> : null}
      <Notice kind="error">{error}</Notice>
      <div class="buttons">
        {settings ? (
          <a class="button secondary" href={hrefOf({ page: "settings", tenantId: tenant.tenantId })}>
            Change settings
          </a>
        ) : null}
        {offered.map((action) => (
          <button key={action} type="button" class={ACTION_TEXT[action].danger ? "danger" : ""} disabled={busy} onClick={() => (setError(undefined), setAsking(action))}>
            {ACTION_TEXT[action].label}
          </button>
        ))}
      </div>
      {asking && text ? (
        <ConfirmDialog
          title={text.title(tenant.tenantId)}
          body={text.body(tenant.tenantId)}
          confirmLabel={`${text.label} ${tenant.tenantId}`}
          {...(text.typeId ? { typeToConfirm: tenant.tenantId } : {})}
          {...(text.danger ? { danger: true } : {})}
          onCancel={() => setAsking(undefined)}
          onConfirm={() => {
            setAsking(undefined);
            startAction(api, tenant.tenantId, asking).then(
              (operation) => navigate({ page: "operation", operationId: operation.operationId }),
              (refused: unknown) => setError(refused instanceof Error ? refused.message : String(refused)),
            );
          }}
        />
      ) : null}
    </section>
  );
}

function Endpoints({ endpoints }: { endpoints: Record<string, unknown> }) {
  const rows = flatten(endpoints);
  return (
    <section aria-labelledby="endpoints">
      <h2 id="endpoints">Endpoints</h2>
      {rows.length === 0 ? (
        <p>None yet: the tenant has not been provisioned.</p>
      ) : (
        <dl class="pairs">
          {rows.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <p class="hint">Credentials are never shown here: they live in the tenant's SOPS-encrypted secrets file.</p>
    </section>
  );
}

function ConfigSection({ tenant }: { tenant: TenantView }) {
  return (
    <section aria-labelledby="config">
      <h2 id="config">Config (version {tenant.configVersion})</h2>
      <dl class="pairs">
        {flatten(tenant.config).map(([key, value]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
