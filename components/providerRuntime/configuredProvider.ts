/**
 * The serialised side every dynamic provider shares: `configure` reads what the provider needs from
 * stack config into `settings` (admin credentials and the control-plane URL never travel as
 * resource inputs, so they are neither in the state nor in the saved provider), and each method
 * takes them from there. Everything here is copied into each provider's saved code: no module state.
 */
import type * as pulumi from "@pulumi/pulumi";
import type * as readers from "./adminSettings";
import { stackConfigRuntime } from "./stackConfigRuntime";

/**
 * What a provider receives for a resource made from `Args`: the args resolved, and the provider's
 * version (bump it when the provider's behaviour changes, so existing resources are updated by it).
 */
export type ProviderInputs<Args> = pulumi.Unwrap<Args> & { readonly providerVersion: string };

/** A dynamic provider whose `configure` read its settings (a URL, admin credentials) from stack config. */
export interface ConfiguredProvider<S> extends pulumi.dynamic.ResourceProvider {
  settings?: S;
}

/** The readers of adminSettings.ts that a provider's `configure` can use, by name. */
type Readers = Pick<typeof readers, "controlPlaneDbUrl" | "qdrantAdminSettings" | "redisAdminSettings" | "minioAdminSettings" | "postgresAdminSettings">;

/** What the reader `name` returns. */
export type SettingsOf<N extends keyof Readers> = ReturnType<Readers[N]>;

/**
 * A provider's `configure` that reads its settings with the named reader of adminSettings.ts,
 * loaded by path in the provider host: `configure: configureWith("qdrantAdminSettings")`.
 */
export function configureWith<N extends keyof Readers>(reader: N): (this: ConfiguredProvider<SettingsOf<N>>, req: pulumi.dynamic.ConfigureRequest) => Promise<void> {
  return async function configure(req) {
    this.settings = stackConfigRuntime()[reader](req.config) as SettingsOf<N>;
  };
}

/** The settings `configure` read (the engine names the resource when this throws). */
export function settingsOf<S>(provider: ConfiguredProvider<S>): S {
  if (provider.settings === undefined) throw new Error("the dynamic provider was not configured: its configure did not run before this call");
  return provider.settings;
}
