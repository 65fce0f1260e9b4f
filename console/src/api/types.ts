/** The API's shapes the console works with, taken from the types generated from the portal's OpenAPI document. */
import type { components, paths } from "./generated/schema";

type Json<R> = R extends { content: { "application/json": infer T } } ? T : never;

export type Caller = Json<paths["/me"]["get"]["responses"][200]>;
export type TenantView = Json<paths["/tenants/{id}"]["get"]["responses"][200]>;
export type TenantState = TenantView["state"];
export type OperationView = Json<paths["/operations/{id}"]["get"]["responses"][200]>;
export type OperationKind = OperationView["kind"];
export type AuditLog = Json<paths["/tenants/{id}/audit"]["get"]["responses"][200]>;
export type AuditEvent = AuditLog["events"][number];
export type ErrorBody = Json<paths["/tenants"]["post"]["responses"][400]>;
export type Problem = NonNullable<ErrorBody["problems"]>[number];
export type CreateTenantBody = NonNullable<paths["/tenants"]["post"]["requestBody"]>["content"]["application/json"];
export type ConfigPatchBody = NonNullable<paths["/tenants/{id}/config"]["patch"]["requestBody"]>["content"]["application/json"];
/** One event of an operation's progress stream (the data of an SSE `progress` event). */
export type ProgressEvent = components["schemas"]["StreamData_progress"];
/** The finished operation (the data of the stream's `end` event). */
export type StreamEnd = components["schemas"]["StreamData_end"];
