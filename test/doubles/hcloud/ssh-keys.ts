/**
 * `/ssh_keys` (the provider resolves `ssh_keys` of a server through it).
 * Shapes: hcloud-go `hcloud/schema/ssh_key.go`; fingerprint = MD5 of the key blob, as in the API.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { invalidField, notFound, uniquenessError } from "./errors";
import { filterByName, listReply, sortItems, type RequestContext } from "./http";
import { assertValidLabels, filterBySelector } from "./labels";
import type { Router } from "./router";
import type { SshKeyRecord, Store } from "./state";

const KEY_TYPES = /^(ssh-rsa|ssh-ed25519|ssh-dss|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com)$/;

export function fingerprint(publicKey: string): string {
  const [type = "", blob = ""] = publicKey.trim().split(/\s+/);
  const bytes = Buffer.from(blob, "base64");
  if (!KEY_TYPES.test(type) || bytes.length < 8 || bytes.toString("base64").replace(/=+$/, "") !== blob.replace(/=+$/, "")) {
    throw invalidField("public_key", "Not a valid public key.");
  }
  const typeLength = bytes.readUInt32BE(0);
  if (bytes.subarray(4, 4 + typeLength).toString("latin1") !== type) throw invalidField("public_key", "Not a valid public key.");
  return (createHash("md5").update(bytes).digest("hex").match(/../g) ?? []).join(":");
}

/** Resolves an id or name, as server create's `ssh_keys` accepts both. */
export function findSshKey(store: Store, idOrName: string | number): SshKeyRecord | undefined {
  const asId = typeof idOrName === "number" ? idOrName : /^\d+$/.test(idOrName) ? Number(idOrName) : undefined;
  return [...store.sshKeys.values()].find((k) => (asId !== undefined ? k.id === asId : k.name === idOrName));
}

function getKey(store: Store, ctx: RequestContext): SshKeyRecord {
  const key = store.sshKeys.get(ctx.id("id", "ssh key"));
  if (!key) throw notFound("ssh key");
  return key;
}

function assertUniqueName(store: Store, name: string, self?: number): void {
  for (const k of store.sshKeys.values()) if (k.name === name && k.id !== self) throw uniquenessError("name", "name is already used");
}

export function registerSshKeyRoutes(router: Router, store: Store): void {
  router.get("/ssh_keys", (ctx) => {
    const fp = ctx.queryString("fingerprint");
    let all = filterBySelector(filterByName(ctx, [...store.sshKeys.values()]), ctx.queryString("label_selector"));
    if (fp !== null) all = all.filter((k) => k.fingerprint === fp);
    return listReply(ctx, "ssh_keys", sortItems(ctx, all, { id: (k) => k.id, name: (k) => k.name }));
  });

  router.post("/ssh_keys", (ctx) => {
    const input = ctx.body(z.object({ name: z.string().min(1), public_key: z.string(), labels: z.record(z.string(), z.string()).optional() }));
    const fp = fingerprint(input.public_key);
    assertUniqueName(store, input.name);
    for (const k of store.sshKeys.values()) if (k.fingerprint === fp) throw uniquenessError("public_key", "SSH key with the same fingerprint already exists");
    const key: SshKeyRecord = { id: store.nextId("ssh_key"), name: input.name, fingerprint: fp, public_key: input.public_key.trim(), labels: assertValidLabels(input.labels), created: store.nowIso() };
    store.sshKeys.set(key.id, key);
    return { status: 201, body: { ssh_key: { ...key, labels: { ...key.labels } } } };
  });

  router.get("/ssh_keys/:id", (ctx) => ({ status: 200, body: { ssh_key: getKey(store, ctx) } }));

  router.put("/ssh_keys/:id", (ctx) => {
    const key = getKey(store, ctx);
    const input = ctx.body(z.object({ name: z.string().min(1).optional(), labels: z.record(z.string(), z.string()).optional() }));
    if (input.name !== undefined) assertUniqueName(store, input.name, key.id);
    const labels = input.labels === undefined ? key.labels : assertValidLabels(input.labels);
    if (input.name !== undefined) key.name = input.name;
    key.labels = labels;
    return { status: 200, body: { ssh_key: key } };
  });

  router.delete("/ssh_keys/:id", (ctx) => {
    store.sshKeys.delete(getKey(store, ctx).id);
    return { status: 204 };
  });
}
