/**
 * In-memory state of one test-double instance, including the asynchronous action engine.
 *
 * Actions are created `running` and settle lazily: before every request (and every inspection
 * call) `tick()` completes the actions whose delay has elapsed, in order, and runs their effects.
 * No timers are used, so closing the double leaves nothing behind.
 */
import { ApiError } from "./errors";
import { buildCatalog, type Catalog } from "./seed";
import type { Action, ActionResource, FirewallRule, Labels, NetworkRoute, NetworkSubnet, PrimaryIp, ServerPrivateNet, ServerStatus, SshKey } from "./types";

export interface NetworkRecord {
  id: number;
  name: string;
  ipRange: string;
  subnets: NetworkSubnet[];
  routes: NetworkRoute[];
  protection: { delete: boolean };
  labels: Labels;
  created: string;
  exposeRoutesToVSwitch: boolean;
}

export type FirewallTarget = { readonly type: "server"; readonly serverId: number } | { readonly type: "label_selector"; readonly selector: string };

export interface FirewallRecord {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  rules: FirewallRule[];
  appliedTo: FirewallTarget[];
}

export interface ServerRecord {
  id: number;
  name: string;
  status: ServerStatus;
  created: string;
  serverTypeId: number;
  locationName: string;
  imageId: number | null;
  labels: Labels;
  protection: { delete: boolean; rebuild: boolean };
  privateNet: ServerPrivateNet[];
  userData: string | null;
  sshKeyIds: number[];
  backupWindow: string | null;
}

export interface PrimaryIpRecord {
  id: number;
  name: string;
  labels: Labels;
  created: string;
  type: PrimaryIp["type"];
  ip: string;
  locationName: string;
  autoDelete: boolean;
  assigneeId: number | null;
  protection: { delete: boolean };
  dnsPtr: { ip: string; dns_ptr: string }[];
}

export type SshKeyRecord = SshKey;

export interface ActionError {
  readonly code: string;
  readonly message: string;
}

interface ActionRecord {
  readonly id: number;
  readonly command: string;
  status: Action["status"];
  readonly startedMs: number;
  dueMs: number;
  finishedMs: number | null;
  readonly resources: ActionResource[];
  error: ActionError | null;
  failWith: ActionError | null;
  readonly after: ActionRecord | null;
  readonly onSuccess: (() => void) | null;
  readonly onError: (() => void) | null;
}

export interface ActionOptions {
  /** runs when the action succeeds (state changes that the real API shows only afterwards) */
  onSuccess?: () => void;
  onError?: () => void;
  /** settle only after this action; fail if it failed (e.g. start_server after create_server) */
  after?: Action;
}

export interface ActionFailure {
  /** action command to fail, e.g. `create_server`; any command when absent */
  readonly command?: string;
  readonly code?: string;
  readonly message?: string;
}

export interface StoreOptions {
  readonly actionDelayMs: number;
  /** reject changes to resources with a running action (`locked` / `conflict`), as the API does */
  readonly lockResources: boolean;
}

const ID_BASE = { network: 1_000_000, firewall: 2_000_000, server: 50_000_000, primary_ip: 60_000_000, ssh_key: 7_000_000, action: 300_000_000 } as const;
export type IdKind = keyof typeof ID_BASE;

/** RFC 3339 timestamp without fractional seconds, like the API's examples. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class Store {
  readonly catalog: Catalog = buildCatalog();
  readonly networks = new Map<number, NetworkRecord>();
  readonly firewalls = new Map<number, FirewallRecord>();
  readonly servers = new Map<number, ServerRecord>();
  readonly primaryIps = new Map<number, PrimaryIpRecord>();
  readonly sshKeys = new Map<number, SshKeyRecord>();
  private readonly actions = new Map<number, ActionRecord>();
  private readonly counters = new Map<IdKind, number>();
  private readonly failures: ActionFailure[] = [];
  private sequence = 0;

  constructor(readonly options: StoreOptions) {}

  nextId(kind: IdKind): number {
    const next = (this.counters.get(kind) ?? ID_BASE[kind]) + 1;
    this.counters.set(kind, next);
    return next;
  }

  /** Monotonic counter for addresses and the like. */
  nextSequence(): number {
    return ++this.sequence;
  }

  nowIso(): string {
    return isoTime(Date.now());
  }

  failNextAction(failure: ActionFailure): void {
    this.failures.push(failure);
  }

  createAction(command: string, resources: readonly ActionResource[], opts: ActionOptions = {}): Action {
    const now = Date.now();
    const after = opts.after ? (this.actions.get(opts.after.id) ?? null) : null;
    const start = Math.max(now, after?.dueMs ?? now);
    const failIndex = this.failures.findIndex((f) => f.command === undefined || f.command === command);
    const failure = failIndex >= 0 ? this.failures.splice(failIndex, 1)[0] : undefined;
    const record: ActionRecord = {
      id: this.nextId("action"),
      command,
      status: "running",
      startedMs: now,
      dueMs: start + this.options.actionDelayMs,
      finishedMs: null,
      resources: resources.map((r) => ({ ...r })),
      error: null,
      failWith: failure ? { code: failure.code ?? "action_failed", message: failure.message ?? "Action failed" } : null,
      after,
      onSuccess: opts.onSuccess ?? null,
      onError: opts.onError ?? null,
    };
    this.actions.set(record.id, record);
    return this.render(record);
  }

  /** Settles every running action whose delay has elapsed (all of them with `force`). */
  tick(force = false): void {
    const now = Date.now();
    const due = [...this.actions.values()]
      .filter((a) => a.status === "running" && (force || a.dueMs <= now))
      .sort((a, b) => a.dueMs - b.dueMs || a.id - b.id);
    for (const action of due) {
      const parentError = action.after?.status === "error" ? action.after.error : null;
      const error = action.failWith ?? parentError;
      action.finishedMs = Math.max(now, action.startedMs);
      if (error) {
        action.status = "error";
        action.error = { ...error };
        action.onError?.();
      } else {
        action.status = "success";
        action.onSuccess?.();
      }
    }
  }

  getAction(id: number): Action | undefined {
    const record = this.actions.get(id);
    return record ? this.render(record) : undefined;
  }

  allActions(): Action[] {
    return [...this.actions.values()].map((a) => this.render(a));
  }

  /** True while a running action touches the resource. */
  isBusy(type: string, id: number, command?: string): boolean {
    for (const a of this.actions.values()) {
      if (a.status !== "running" || (command !== undefined && a.command !== command)) continue;
      if (a.resources.some((r) => r.type === type && r.id === id)) return true;
    }
    return false;
  }

  /** True while a running action with `command` touches all of `resources`. */
  hasRunning(command: string, resources: readonly ActionResource[]): boolean {
    for (const a of this.actions.values()) {
      if (a.status !== "running" || a.command !== command) continue;
      if (resources.every((r) => a.resources.some((x) => x.type === r.type && x.id === r.id))) return true;
    }
    return false;
  }

  /** Servers answer `locked` (423), networks and firewalls `conflict` (409) while busy. */
  assertNotBusy(type: string, id: number): void {
    if (!this.options.lockResources || !this.isBusy(type, id)) return;
    if (type === "server") throw new ApiError("locked", "server is locked because another action is running");
    throw new ApiError("conflict", `${type.replace("_", " ")} has a running action, please retry`);
  }

  private render(a: ActionRecord): Action {
    const now = Date.now();
    const span = Math.max(1, a.dueMs - a.startedMs);
    const progress = a.status === "running" ? Math.max(0, Math.min(99, Math.floor(((now - a.startedMs) / span) * 100))) : 100;
    return {
      id: a.id,
      command: a.command,
      status: a.status,
      progress,
      started: isoTime(a.startedMs),
      finished: a.finishedMs === null ? null : isoTime(a.finishedMs),
      resources: a.resources.map((r) => ({ ...r })),
      error: a.error ? { ...a.error } : null,
    };
  }
}
