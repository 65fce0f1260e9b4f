/**
 * Opens the state backend once, so that it is ready before engines share it. Pulumi's PostgreSQL
 * DIY backend creates its table (`CREATE TABLE IF NOT EXISTS pulumi_state`) each time it is opened,
 * and two engines opening an empty database at the same moment both try to create it: one of them
 * fails on PostgreSQL's catalog. A worker opens the backend while it registers (under the control
 * plane's registration lock), so the first engine of a fresh deployment finds the table made.
 */
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { StackSettingsError } from "./errors";
import { ensureStateDir, pulumiEnv, type StackSettings } from "./settings";

/** Logs in to the backend of `settings` (`pulumi whoami`), which creates what an empty backend lacks. */
export async function openStateBackend(settings: StackSettings, redact: (text: string) => string): Promise<void> {
  ensureStateDir(settings);
  try {
    const workspace = await LocalWorkspace.create({ workDir: settings.workDir, envVars: pulumiEnv(settings) });
    await workspace.whoAmI();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new StackSettingsError(redact(`the state backend ${settings.backendUrl} cannot be opened: ${message.split("\n").find((line) => /error/i.test(line))?.trim() ?? message}`));
  }
}
