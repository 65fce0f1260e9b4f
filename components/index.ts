/** What the components folder offers: the Tenant component and the pure modules others reuse. */
export * from "./endpoints";
export * from "../domain";
export * from "./providers";
export * from "./tenant";
export * from "../domain";
