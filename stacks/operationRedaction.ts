/**
 * The redaction of one operation on a tenant's stack: the portal's (base config secrets,
 * passphrase, URL user info) plus every credential of the tenant that the stack's state holds. The
 * state is read (`pulumi stack export --show-secrets`, through stdout) when the first engine event
 * that carries text (a diagnostic, a policy finding) arrives, and again at the next such event after
 * a resource step finished, so a credential the run itself generated is known before any text that
 * could echo it is passed on; a run that says nothing costs no read. It only grows: a credential
 * learnt once stays blanked for the whole operation, even after a rotation replaced it in the state.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { redactor } from "../domain/redaction";

export class OperationRedaction {
  private readonly secrets = new Set<string>();
  private known: (text: string) => string = (text) => text;
  /** The state was never read, or a resource step finished since it was last read. */
  private stale = true;

  constructor(
    private readonly base: (text: string) => string,
    /** The credentials in the stack's state now (stateSecrets.ts). */
    private readonly readState: () => Promise<readonly string[]>,
  ) {}

  /** Blanks every credential known so far; the tenant's own first, as they are the longer ones. */
  readonly redact = (text: string): string => this.base(this.known(text));

  /**
   * Call before `event` is turned into text, in event order. A failed read keeps what is known and
   * is tried again at the next such event: the operation goes on.
   */
  async before(event: EngineEvent): Promise<void> {
    if (event.resOutputsEvent || event.resOpFailedEvent) this.stale = true;
    if (event.diagnosticEvent || event.policyEvent) await this.learnIfStale();
  }

  /** Call before the operation's error text is made: the state, if it changed since it was read. */
  async beforeError(): Promise<void> {
    await this.learnIfStale();
  }

  private async learnIfStale(): Promise<void> {
    if (!this.stale) return;
    try {
      const credentials = await this.readState();
      this.stale = false;
      this.add(credentials);
    } catch {
      // Keep what is known; the next text-bearing event or the error tries again.
    }
  }

  /** Adds credentials to blank from now on. */
  add(credentials: Iterable<string>): void {
    const before = this.secrets.size;
    for (const credential of credentials) this.secrets.add(credential);
    if (this.secrets.size !== before) this.known = redactor(this.secrets);
  }
}
