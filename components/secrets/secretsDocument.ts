import { stringify } from "yaml";

/** What the tenant's secrets file holds: every credential, by store. */
export interface SecretsDocument {
  readonly tenant: string;
  readonly minio: { readonly accessKey: string; readonly secretKey: string };
  readonly postgres: { readonly user: string; readonly password: string };
  readonly redis: { readonly user: string; readonly password: string };
  readonly qdrant: { readonly token: string };
}

/** Renders the document as YAML with a fixed key order, so the same credentials give the same text. */
export function renderSecretsDocument(document: SecretsDocument): string {
  return stringify(document, { sortMapEntries: true });
}
