/**
 * Request context, body validation and list helpers (pagination, sorting) of the test double.
 * Pagination follows the API description: `page` (from 1), `per_page` (default 25, max 50),
 * `meta.pagination` with null `previous_page`/`next_page` at the ends, plus a `Link` header.
 */
import type { z } from "zod";
import { ApiError, invalidField, invalidInput, type ErrorFieldDetail } from "./errors";
import type { Pagination } from "./types";

export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class RequestContext {
  constructor(
    readonly method: string,
    /** path below `/v1`, e.g. `/networks/42` */
    readonly path: string,
    readonly query: URLSearchParams,
    readonly rawBody: string,
    readonly params: Readonly<Record<string, string>>,
    /** `http://127.0.0.1:port/v1`, for Link headers */
    readonly baseUrl: string,
  ) {}

  /** Integer path parameter; a non-numeric id is answered like an unknown one. */
  id(name: string, what: string): number {
    const raw = this.params[name] ?? "";
    if (!/^\d+$/.test(raw)) throw new ApiError("not_found", `${what} not found`);
    return Number(raw);
  }

  queryString(name: string): string | null {
    return this.query.get(name);
  }

  queryAll(name: string): string[] {
    return this.query.getAll(name);
  }

  queryBool(name: string): boolean | null {
    const v = this.query.get(name);
    if (v === null) return null;
    if (v === "true") return true;
    if (v === "false") return false;
    throw invalidField(name, "Not a valid boolean.");
  }

  /** Parses the JSON body (an empty body counts as `{}`) and validates it with `schema`. */
  body<S extends z.ZodType>(schema: S): z.output<S> {
    let data: unknown = {};
    if (this.rawBody.trim() !== "") {
      try {
        data = JSON.parse(this.rawBody);
      } catch {
        throw new ApiError("json_error", "invalid JSON in request body");
      }
    }
    const parsed = schema.safeParse(data, { reportInput: true });
    if (parsed.success) return parsed.data;
    throw invalidInput(zodFields(parsed.error.issues));
  }
}

/** Maps zod issues onto the API's marshmallow-style field messages. */
function zodFields(issues: readonly z.core.$ZodIssue[]): ErrorFieldDetail[] {
  const byField = new Map<string, string[]>();
  for (const issue of issues) {
    const name = issue.path.map(String).join(".") || "body";
    const messages = byField.get(name) ?? [];
    messages.push(issueMessage(issue));
    byField.set(name, messages);
  }
  return [...byField.entries()].map(([name, messages]) => ({ name, messages }));
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (!("input" in issue) || issue.input === undefined) return "Missing data for required field.";
      if (issue.expected === "string") return "Not a valid string.";
      if (issue.expected === "boolean") return "Not a valid boolean.";
      if (issue.expected === "number" || issue.expected === "int") return "Not a valid integer.";
      if (issue.expected === "array") return "Not a valid list.";
      return "Invalid input type.";
    case "invalid_value":
      return "Not a valid choice.";
    case "invalid_union":
      return "Not a valid value.";
    default:
      return issue.message;
  }
}

function positiveInt(ctx: RequestContext, name: string, fallback: number): number {
  const raw = ctx.queryString(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidField(name, "Not a valid integer.");
  return Number(raw);
}

export interface PageResult<T> {
  readonly items: T[];
  readonly pagination: Pagination;
  readonly link: string | null;
}

export function paginate<T>(ctx: RequestContext, all: readonly T[]): PageResult<T> {
  const page = positiveInt(ctx, "page", 1);
  const perPage = Math.min(50, positiveInt(ctx, "per_page", 25));
  const total = all.length;
  const lastPage = Math.max(1, Math.ceil(total / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const pagination: Pagination = {
    page,
    per_page: perPage,
    previous_page: page > 1 ? page - 1 : null,
    next_page: page < lastPage ? page + 1 : null,
    last_page: lastPage,
    total_entries: total,
  };
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(ctx.query);
    q.set("page", String(p));
    q.set("per_page", String(perPage));
    return `<${ctx.baseUrl}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(pagination.previous_page !== null ? [link(pagination.previous_page, "prev")] : []),
    ...(pagination.next_page !== null ? [link(pagination.next_page, "next")] : []),
    link(lastPage, "last"),
  ];
  return { items, pagination, link: links.join(", ") };
}

/** `200 {<key>: [...], meta: {pagination}}` with a Link header. */
export function listReply<T>(ctx: RequestContext, key: string, all: readonly T[]): Reply {
  const page = paginate(ctx, all);
  return {
    status: 200,
    body: { [key]: page.items, meta: { pagination: page.pagination } },
    headers: page.link ? { Link: page.link } : {},
  };
}

type SortValue = string | number | null;

/** Applies `sort=field[:asc|:desc]` (repeatable); default order is by id ascending. */
export function sortItems<T extends { id: number }>(ctx: RequestContext, items: readonly T[], fields: Readonly<Record<string, (item: T) => SortValue>>): T[] {
  const keys = ctx.queryAll("sort").map((raw) => {
    const [field = "", dir = "asc"] = raw.split(":");
    const get = fields[field];
    if (!get || (dir !== "asc" && dir !== "desc")) throw invalidField("sort", "Not a valid choice.");
    return { get, sign: dir === "desc" ? -1 : 1 };
  });
  const compare = (a: SortValue, b: SortValue): number => {
    if (a === b) return 0;
    if (a === null) return -1;
    if (b === null) return 1;
    return a < b ? -1 : 1;
  };
  return [...items].sort((a, b) => {
    for (const key of keys) {
      const c = compare(key.get(a), key.get(b)) * key.sign;
      if (c !== 0) return c;
    }
    return a.id - b.id;
  });
}

/** Filter helper for `?name=` (exact match, as the API does). */
export function filterByName<T extends { name: string | null }>(ctx: RequestContext, items: readonly T[]): T[] {
  const name = ctx.queryString("name");
  return name === null ? [...items] : items.filter((i) => i.name === name);
}
