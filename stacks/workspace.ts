/**
 * The one LocalWorkspace of the tenant stacks: `workDir` is the project directory, so every stack
 * runs the project's own compiled program. All stacks of a process share it, and so share the CLI's
 * workspace file (the selected stack, under PULUMI_HOME/workspaces, keyed by the Pulumi.yaml path).
 * Parallel `stack init` / `stack select` in one workspace can corrupt that file
 * (pulumi/pulumi#8186), so every command that writes it runs under one process-wide mutex. Updates,
 * previews, destroys and config writes name their stack with `--stack`, touch only that stack's
 * files, and run in parallel across tenants.
 */
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { translateAutomationError } from "./errors";
import { Mutex } from "./locks";
import { ensureStateDir, pulumiEnv, type StackSettings } from "./settings";

export class StackWorkspace {
  private workspace?: Promise<LocalWorkspace>;
  private readonly mutations = new Mutex();

  constructor(
    readonly settings: StackSettings,
    /** Applied to every error message that leaves this class. */
    private readonly redact: (text: string) => string = (text) => text,
  ) {}

  /** The LocalWorkspace, created on first use (it checks the CLI's version once). */
  get(): Promise<LocalWorkspace> {
    this.workspace ??= (async () => {
      ensureStateDir(this.settings);
      return LocalWorkspace.create({ workDir: this.settings.workDir, envVars: pulumiEnv(this.settings), secretsProvider: "passphrase" });
    })();
    return this.workspace;
  }

  /** Runs one CLI command that writes the shared workspace file, alone; errors are translated. */
  private async mutate<T>(stackName: string, work: (workspace: LocalWorkspace) => Promise<T>): Promise<T> {
    const workspace = await this.get();
    return this.mutations.run(async () => {
      try {
        return await work(workspace);
      } catch (error) {
        throw this.translate(error, stackName);
      }
    });
  }

  /** Translates an Automation API error and redacts its message. */
  translate(error: unknown, stackName: string): unknown {
    const translated = translateAutomationError(error, stackName);
    if (translated instanceof Error) translated.message = this.redact(translated.message);
    return translated;
  }

  /** Creates the stack when it is missing and selects it. */
  createOrSelect(stackName: string): Promise<Stack> {
    return this.mutate(stackName, (workspace) => Stack.createOrSelect(stackName, workspace));
  }

  /** Selects an existing stack; TenantStackNotFoundError when there is none. */
  select(stackName: string): Promise<Stack> {
    return this.mutate(stackName, (workspace) => Stack.select(stackName, workspace));
  }

  /** Removes the stack and its config file; the backend refuses while it still has resources. */
  remove(stackName: string): Promise<void> {
    return this.mutate(stackName, (workspace) => workspace.removeStack(stackName));
  }

  /** Names of the project's stacks in the backend. */
  async stackNames(): Promise<string[]> {
    // Under the mutex too: `stack ls` reads the workspace file the others write.
    return this.mutate("*", async (workspace) => (await workspace.listStacks()).map((stack) => stack.name));
  }
}
