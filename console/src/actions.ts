/** The tenant actions that start an operation: their request and how the confirmation names the tenant. */
import type { Api } from "./api/client";
import type { OperationView } from "./api/types";
import { dataOf } from "./load";
import type { Action } from "./roles";

export type TenantAction = Exclude<Action, "create" | "settings">;

export const TENANT_ACTIONS: readonly TenantAction[] = ["preview", "rotate", "suspend", "resume", "deprovision"];

interface ActionText {
  readonly label: string;
  readonly title: (id: string) => string;
  readonly body: (id: string) => string;
  readonly danger?: boolean;
  /** The confirmation asks to type the tenant's id. */
  readonly typeId?: boolean;
}

export const ACTION_TEXT: Readonly<Record<TenantAction, ActionText>> = {
  preview: {
    label: "Preview",
    title: (id) => `Preview tenant ${id}?`,
    body: (id) => `Shows what an update of ${id}'s stack would change. Nothing is changed.`,
  },
  rotate: {
    label: "Rotate credentials",
    title: (id) => `Rotate every credential of tenant ${id}?`,
    body: (id) => `New MinIO, PostgreSQL and Redis credentials and a new age key for ${id}; the old ones stop working once the operation succeeds.`,
  },
  suspend: {
    label: "Suspend",
    title: (id) => `Suspend tenant ${id}?`,
    body: (id) => `Every credential of ${id} is disabled; its data is kept. Only an operator can resume it.`,
    danger: true,
  },
  resume: {
    label: "Resume",
    title: (id) => `Resume tenant ${id}?`,
    body: (id) => `Every credential of ${id} is enabled again.`,
  },
  deprovision: {
    label: "Deprovision",
    title: (id) => `Deprovision tenant ${id}?`,
    body: (id) => `Destroys every resource of ${id} — its bucket, database, collection, Redis user and server — and shreds its age key. Its data is gone for good.`,
    danger: true,
    typeId: true,
  },
};

/** Starts the action's operation (202); an Error with the API's message when it is refused. */
export async function startAction(api: Api, tenantId: string, action: TenantAction): Promise<OperationView> {
  const params = { params: { path: { id: tenantId } } };
  switch (action) {
    case "preview":
      return dataOf(await api.POST("/tenants/{id}/preview", params));
    case "rotate":
      return dataOf(await api.POST("/tenants/{id}/rotate", params));
    case "suspend":
      return dataOf(await api.POST("/tenants/{id}/suspend", params));
    case "resume":
      return dataOf(await api.POST("/tenants/{id}/resume", params));
    case "deprovision":
      return dataOf(await api.DELETE("/tenants/{id}", params));
  }
}
