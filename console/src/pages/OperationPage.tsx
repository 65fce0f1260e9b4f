/**
 * One operation, live: its progress stream resource by resource, then its result, or its error as
 * the API redacted it. The operation's id is in the URL, so a reload (and sign-in) resumes it.
 */
import { useEffect, useState } from "preact/hooks";
import { followOperation } from "../api/stream";
import type { OperationView } from "../api/types";
import { Layout } from "../components/Layout";
import { Notice } from "../components/Notice";
import { StateBadge } from "../components/StateBadge";
import { actorOf, flatten, timeOf } from "../format";
import { dataOf } from "../load";
import { applyProgress, NO_PROGRESS, resourceName, type Progress } from "../operationProgress";
import { hrefOf } from "../router";
import { useSession } from "../session";

export function OperationPage({ operationId }: { operationId: string }) {
  const { api } = useSession();
  const [operation, setOperation] = useState<OperationView>();
  const [progress, setProgress] = useState<Progress>(NO_PROGRESS);
  const [error, setError] = useState<string>();
  useEffect(() => {
    const abort = new AbortController();
    setProgress(NO_PROGRESS);
    setError(undefined);
    api.GET("/operations/{id}", { params: { path: { id: operationId } }, signal: abort.signal }).then(
      (result) => {
        if (abort.signal.aborted) return;
        setOperation(dataOf(result));
        void followOperation(
          api,
          operationId,
          {
            onProgress: (seq, event) => setProgress((current) => applyProgress(current, seq, event)),
            onEnd: (final) => setOperation(final),
            onError: setError,
          },
          abort.signal,
        );
      },
      (failed: unknown) => !abort.signal.aborted && setError(failed instanceof Error ? failed.message : String(failed)),
    );
    return () => abort.abort();
  }, [api, operationId]);

  const title = operation ? `${operation.kind} of ${operation.tenantId}` : "Operation";
  return (
    <Layout title={title}>
      <Notice kind="error">{error}</Notice>
      {operation ? <Facts operation={operation} /> : error ? null : <p role="status">Loading…</p>}
      {operation ? <Live operation={operation} progress={progress} /> : null}
    </Layout>
  );
}

function Facts({ operation }: { operation: OperationView }) {
  return (
    <dl class="facts">
      <dt>Tenant</dt>
      <dd>
        <a href={hrefOf({ page: "tenant", tenantId: operation.tenantId })}>{operation.tenantId}</a>
      </dd>
      <dt>State</dt>
      <dd id="operation-state">
        <StateBadge state={operation.state} />
      </dd>
      <dt>Asked by</dt>
      <dd>{actorOf(operation.actor)}</dd>
      <dt>Asked</dt>
      <dd>{timeOf(operation.createdAt)}</dd>
      <dt>Started</dt>
      <dd>{timeOf(operation.startedAt)}</dd>
      <dt>Finished</dt>
      <dd>{timeOf(operation.finishedAt)}</dd>
    </dl>
  );
}

function Live({ operation, progress }: { operation: OperationView; progress: Progress }) {
  const resources = [...progress.resources.values()];
  const done = resources.filter((resource) => resource.status !== "running").length;
  const finished = operation.state === "succeeded" || operation.state === "failed";
  return (
    <>
      <section aria-labelledby="progress">
        <h2 id="progress">Progress</h2>
        <p aria-live="polite" id="progress-status">
          {finished
            ? `The operation ${operation.state}.`
            : resources.length === 0
              ? `The operation is ${operation.state}${progress.steps.length > 0 ? `: ${progress.steps.at(-1)}` : ""}.`
              : `${done} of ${resources.length} resources done so far.`}
        </p>
        {resources.length > 0 ? <progress max={resources.length} value={done} aria-labelledby="progress-status" /> : null}
        {progress.steps.length > 0 ? <p class="hint">Steps: {progress.steps.join(" → ")}</p> : null}
        {resources.length > 0 ? (
          <table class="resources">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Type</th>
                <th scope="col">Change</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {resources.map((resource) => (
                <tr key={resource.urn} class={`resource-${resource.status}`}>
                  <th scope="row">{resourceName(resource.urn)}</th>
                  <td>{resource.resourceType}</td>
                  <td>{resource.op}</td>
                  <td>{resource.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {progress.diagnostics.some((diagnostic) => diagnostic.severity !== "info") ? (
        <section aria-labelledby="diagnostics">
          <h2 id="diagnostics">Messages from the engine</h2>
          <ul class="diagnostics">
            {progress.diagnostics
              .filter((diagnostic) => diagnostic.severity !== "info")
              .map((diagnostic, index) => (
                <li key={index} class={`diagnostic-${diagnostic.severity}`}>
                  <strong>{diagnostic.severity}</strong>
                  {diagnostic.urn ? <> ({resourceName(diagnostic.urn)})</> : null}: <pre>{diagnostic.message.trim()}</pre>
                </li>
              ))}
          </ul>
        </section>
      ) : null}
      {finished ? <Result operation={operation} /> : null}
    </>
  );
}

function Result({ operation }: { operation: OperationView }) {
  return (
    <section aria-labelledby="result" id="operation-result">
      <h2 id="result">Result</h2>
      {operation.error ? (
        <div class="notice notice-error" role="alert">
          <p>The operation failed (secrets are redacted by the portal):</p>
          <pre>{operation.error}</pre>
        </div>
      ) : (
        <p>The operation succeeded.</p>
      )}
      {operation.result ? (
        <dl class="pairs">
          {flatten(operation.result).map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      <p>
        <a href={hrefOf({ page: "tenant", tenantId: operation.tenantId })}>Back to {operation.tenantId}</a>
      </p>
    </section>
  );
}
