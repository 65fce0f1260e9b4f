/**
 * Rules the project's own validation checks, stated in the OpenAPI document. A few request parts
 * (the tenant id, the tenant config) are checked by the domain rather than by the route's schema,
 * so that every refusal names its path in the domain's words and a bad id and a bad config are
 * reported together. Their route schemas carry the rule under {@link DOCUMENTED_RULE}: ajv ignores
 * the keyword, and {@link documentRouteSchema} merges it in when the document is built, so the
 * document states every rule the API enforces while each is checked in one place.
 */
import type { FastifySchema } from "fastify";

/** The annotation keyword: the JSON Schema of a rule the domain checks. */
export const DOCUMENTED_RULE = "x-documented-rule";

/** A JSON Schema as plain data. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Schema options that document `rule` for a value the domain checks. */
export function checkedByDomain(rule: JsonSchema): { readonly [DOCUMENTED_RULE]: JsonSchema } {
  return { [DOCUMENTED_RULE]: rule };
}

/** What {@link documentedRuleKeyword} needs of Fastify's ajv instance. */
interface KeywordRegistry {
  addKeyword(keyword: string): unknown;
}

/** An ajv plugin (Fastify's `ajv.plugins`): the keyword is an annotation, which ajv accepts and ignores. */
export function documentedRuleKeyword<A extends KeywordRegistry>(ajv: A): A {
  ajv.addKeyword(DOCUMENTED_RULE);
  return ajv;
}

/** A copy of `schema` in which every node annotated with a rule has the rule merged in (and the annotation removed). */
export function withDocumentedRules(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withDocumentedRules);
  if (typeof schema !== "object" || schema === null) return schema;
  const { [DOCUMENTED_RULE]: rule, ...rest } = schema as Record<string, unknown>;
  const copy = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withDocumentedRules(value)]));
  return rule === undefined ? copy : { ...copy, ...(rule as JsonSchema) };
}

/** @fastify/swagger's `transform`: the route's schema with its documented rules merged in. */
export function documentRouteSchema({ schema, url }: { schema: FastifySchema; url: string }): { schema: FastifySchema; url: string } {
  return { schema: withDocumentedRules(schema) as FastifySchema, url };
}
