/** The real stacks of each job: a workspace directory of its own (stacks/jobWorkspace.ts). */
import type { BaseConfig, StackSettings } from "../stacks";
import { ensureStateDir, openJobStacks } from "../stacks";
import type { JobStacksFactory } from "./stacks";

/** Job stacks for the project and backend of `settings`; job directories under `jobDir` (default: the system's temporary directory). */
export function jobStacksFactory(base: BaseConfig, settings: StackSettings, jobDir?: string): JobStacksFactory {
  ensureStateDir(settings);
  return () => openJobStacks(base, settings, jobDir);
}
