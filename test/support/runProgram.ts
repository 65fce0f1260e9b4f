import * as pulumi from "@pulumi/pulumi";
import { vi } from "vitest";
import type { TenantCredentials, TenantEndpoints } from "../../components";
import { installRecordingMocks, promiseOf, setStackConfig, type Registration } from "./pulumiMocks";

type ProgramModule = {
  tenantOutputs: Record<string, { endpoints: pulumi.Output<TenantEndpoints>; credentials: pulumi.Output<TenantCredentials> }>;
};

const mocks = installRecordingMocks();

/** Lets the SDK finish registering everything the program started. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `index.ts` under mocks with the given stack config and returns what it registered. The module
 * is re-imported on every run, so each run sees its own config.
 */
export async function runProgram(
  config: Record<string, unknown>,
): Promise<{ registrations: Registration[]; program?: ProgramModule; error?: Error }> {
  const { registrations } = await mocks;
  registrations.length = 0;
  setStackConfig(config, ["frostbyte:controlPlaneDbUrl", "frostbyte:qdrant", "frostbyte:redis", "hcloud:token", "minio:minioPassword", "postgresql:password"]);
  vi.resetModules();
  try {
    const program = (await import("../../index.js")) as ProgramModule;
    await Promise.all(
      Object.values(program.tenantOutputs).flatMap((outputs) => [promiseOf(outputs.endpoints), promiseOf(outputs.credentials)]),
    );
    await settle();
    return { registrations: [...registrations], program };
  } catch (error) {
    await settle();
    return { registrations: [...registrations], error: error as Error };
  }
}
