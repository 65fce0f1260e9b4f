/**
 * The pure rules every part of the program shares: tenant ids and derived names (DESIGN §1), the
 * lifecycle and what each state allows (§3), audit event types (§5), the config schemas and their
 * network rules (§6, §8), offline mode's facts, the age recipient rule, and who may do what through
 * the portal (roles). Imports no Pulumi, no database client and nothing else of the project.
 */
export * from "./ageRecipient";
export * from "./authority";
export * from "./config";
export * from "./eventTypes";
export * from "./json";
export * from "./lifecycle";
export * from "./lifecycleErrors";
export * from "./naming";
export * from "./offline";
export * from "./resourceChanges";
export * from "./stateOperations";
