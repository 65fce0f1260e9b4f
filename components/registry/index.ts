/** The tenant's write-back into the control-plane registry and audit log, as resources of its stack. */
export * from "./failureHook";
export * from "./provisioningComplete";
export * from "./provisioningStart";
export * from "./writeBack";
