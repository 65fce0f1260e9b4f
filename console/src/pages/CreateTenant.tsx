/** A new tenant: its id and config, checked with the API's own rules before it is sent (POST /tenants). */
import { useMemo, useState } from "preact/hooks";
import { ConfigFields, configAnchors } from "../components/ConfigFields";
import { Field } from "../components/Field";
import { Layout } from "../components/Layout";
import { Notice } from "../components/Notice";
import { ProblemSummary } from "../components/Problems";
import { configOf, draftOf, type ConfigDraft } from "../forms/draft";
import { anchorOf, placeProblems, type PlacedProblem } from "../forms/problems";
import { sentOf } from "../forms/submit";
import { createProblems, defaultConfig } from "../forms/validate";
import { editableSections, mayRun } from "../roles";
import { navigate } from "../router";
import { useSession } from "../session";

export function CreateTenant() {
  const { api, caller } = useSession();
  const sections = editableSections(caller);
  const [id, setId] = useState("");
  const [draft, setDraft] = useState<ConfigDraft>(() => draftOf(defaultConfig()));
  const [problems, setProblems] = useState<readonly PlacedProblem[]>([]);
  /** After a first attempt the rules run on every change, so a fixed field clears at once. */
  const [checking, setChecking] = useState(false);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const anchors = useMemo(() => ["id", ...configAnchors(sections, draft)], [sections, draft]);
  const placed = placeProblems(problems, anchors);
  const check = (nextId: string, nextDraft: ConfigDraft) => createProblems(nextId, configOf(nextDraft, sections, "create"));

  if (!mayRun(caller, "create")) {
    return (
      <Layout title="New tenant">
        <Notice kind="error">Only an operator may create tenants.</Notice>
      </Layout>
    );
  }
  return (
    <Layout title="New tenant">
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setMessage(undefined);
          setChecking(true);
          const found = check(id, draft);
          setProblems(found);
          if (found.length > 0) return;
          setBusy(true);
          const sent = sentOf(await api.POST("/tenants", { body: { id, config: configOf(draft, sections, "create") } }));
          setBusy(false);
          if ("operation" in sent) navigate({ page: "operation", operationId: sent.operation.operationId });
          else if ("problems" in sent) setProblems(sent.problems);
          // A taken id (409) belongs next to the id.
          else if (sent.status === 409) setProblems([{ path: "id", message: sent.message }]);
          else setMessage(sent.message);
        }}
      >
        <ProblemSummary problems={problems} anchorOf={(path) => anchorOf(path, anchors)} />
        <Notice kind="error">{message}</Notice>
        <Field
          anchor="id"
          label="Tenant id"
          kind="text"
          required
          hint="3–30 characters: a-z, 0-9 and single hyphens, starting with a letter"
          value={id}
          onChange={(value) => {
            setId(String(value));
            if (checking) setProblems(check(String(value), draft));
          }}
          problems={placed.get("id")}
        />
        <ConfigFields
          sections={sections}
          draft={draft}
          problems={placed}
          onChange={(next) => {
            setDraft(next);
            if (checking) setProblems(check(id, next));
          }}
        />
        <button type="submit" disabled={busy}>
          Create and provision
        </button>
      </form>
    </Layout>
  );
}
