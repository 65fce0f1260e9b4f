/**
 * What every dynamic provider shares. Serialised side (captured into a provider's saved code):
 * `runtimeModule`, `stackConfigRuntime`, `settingsOf`. Runtime side (loaded by path in the provider
 * host, never captured): the stack-config reader and the control-plane connection.
 */
export * from "./adminSettings";
export * from "./configuredProvider";
export * from "./controlPlaneConnection";
export * from "./runtimeModule";
export * from "./stackConfigRuntime";
