/**
 * The settings the caller's role may change, as a JSON merge patch of the stored config
 * (PATCH /tenants/{id}/config), checked with the API's own rules before it is sent.
 */
import { useMemo, useState } from "preact/hooks";
import type { TenantView } from "../api/types";
import { ConfigFields, configAnchors } from "../components/ConfigFields";
import { Layout } from "../components/Layout";
import { Notice } from "../components/Notice";
import { ProblemSummary } from "../components/Problems";
import { configOf, draftOf, type ConfigDraft } from "../forms/draft";
import { anchorOf, placeProblems, type PlacedProblem } from "../forms/problems";
import { sentOf } from "../forms/submit";
import { patchProblems } from "../forms/validate";
import { dataOf, useLoad } from "../load";
import { editableSections, offers } from "../roles";
import { hrefOf, navigate } from "../router";
import { useSession } from "../session";

export function Settings({ tenantId }: { tenantId: string }) {
  const { api } = useSession();
  const tenant = useLoad(async () => dataOf(await api.GET("/tenants/{id}", { params: { path: { id: tenantId } } })), tenantId);
  return (
    <Layout title={`Settings of ${tenantId}`}>
      <p>
        <a href={hrefOf({ page: "tenant", tenantId })}>Back to {tenantId}</a>
      </p>
      <Notice kind="error">{tenant.error}</Notice>
      {tenant.data === undefined ? tenant.error ? null : <p role="status">Loading…</p> : <SettingsForm tenant={tenant.data} />}
    </Layout>
  );
}

function SettingsForm({ tenant }: { tenant: TenantView }) {
  const { api, caller } = useSession();
  const sections = editableSections(caller);
  const [draft, setDraft] = useState<ConfigDraft>(() => draftOf(tenant.config));
  const [problems, setProblems] = useState<readonly PlacedProblem[]>([]);
  const [checking, setChecking] = useState(false);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const anchors = useMemo(() => configAnchors(sections, draft), [sections, draft]);
  const placed = placeProblems(problems, anchors);
  const check = (next: ConfigDraft) => patchProblems(tenant.config, configOf(next, sections, "patch"));

  if (!offers(caller, tenant, "settings")) {
    return <Notice kind="error">{`Tenant ${tenant.tenantId} is ${tenant.state}: its settings cannot be changed now, or not with this token.`}</Notice>;
  }
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        setMessage(undefined);
        setChecking(true);
        const found = check(draft);
        setProblems(found);
        if (found.length > 0) return;
        setBusy(true);
        const sent = sentOf(await api.PATCH("/tenants/{id}/config", { params: { path: { id: tenant.tenantId } }, body: configOf(draft, sections, "patch") }));
        setBusy(false);
        if ("operation" in sent) navigate({ page: "operation", operationId: sent.operation.operationId });
        else if ("problems" in sent) setProblems(sent.problems);
        else setMessage(sent.message);
      }}
    >
      <ProblemSummary problems={problems} anchorOf={(path) => anchorOf(path, anchors)} />
      <Notice kind="error">{message}</Notice>
      <ConfigFields
        sections={sections}
        draft={draft}
        problems={placed}
        onChange={(next) => {
          setDraft(next);
          if (checking) setProblems(check(next));
        }}
      />
      <button type="submit" disabled={busy}>
        Save and update {tenant.tenantId}
      </button>
    </form>
  );
}
