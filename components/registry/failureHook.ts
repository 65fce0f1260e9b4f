import * as pulumi from "@pulumi/pulumi";
import { withControlPlane } from "../providerRuntime/controlPlaneConnection";
import { recordFailure } from "./writeBack";

const SECRET_KEY = /pass|secret|token|key/i;

/** Every string input of the failed resource whose key names a secret, longest first. */
function secretValues(inputs: Record<string, unknown> | undefined): string[] {
  const found: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === "string" && SECRET_KEY.test(key) && value.length >= 4) found.push(value);
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(inputs, "");
  return found.sort((a, b) => b.length - a.length);
}

/** Removes secret input values and URL credentials from an engine error before it is recorded. */
export function redactError(error: string, inputs: Record<string, unknown> | undefined): string {
  let text = secretValues(inputs).reduce((acc, secret) => acc.split(secret).join("[redacted]"), error);
  text = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1[redacted]@");
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/**
 * Whether the resource monitor can register error hooks. The engine's can; the mock monitor of
 * `pulumi.runtime.setMocks` claims the feature but has no such method (as of @pulumi/pulumi 3.270),
 * so registering one there would fail every unit test and every outside probe of the program.
 */
export function monitorAcceptsErrorHooks(): boolean {
  const monitor = pulumi.runtime.getMonitor() as { registerErrorHook?: unknown } | undefined;
  return typeof monitor?.registerErrorHook === "function";
}

/**
 * An error hook for every store resource of a tenant: when the engine reports a failed create,
 * update or delete, the registry moves the tenant to FAILED with TENANT_PROVISION_FAILED naming the
 * resource and the error. The hook runs in the program's process, which has the control-plane URL.
 * It never asks for a retry.
 */
export function tenantFailureHook(tenantId: string, controlPlaneDbUrl: string): pulumi.ErrorHook {
  return new pulumi.ErrorHook(`frostbyte-tenant-${tenantId}-record-failure`, async (args) => {
    const failure = {
      tenantId,
      operation: args.failedOperation,
      resourceType: args.type,
      resourceName: args.name,
      error: redactError(args.errors[0] ?? "unknown error", { ...args.oldInputs, ...args.newInputs }),
    };
    try {
      await withControlPlane(controlPlaneDbUrl, (pool) => recordFailure(pool, failure));
    } catch (error) {
      pulumi.log.warn(`tenant "${tenantId}": could not record the failure in the registry: ${(error as Error).message}`);
    }
    return false;
  });
}
