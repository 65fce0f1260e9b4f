/**
 * Sending a form whose rules the page already checked: the operation it starts (202), or the API's
 * refusal — its `problems` placed by path like the page's own, else its message.
 */
import type { ErrorBody, OperationView, Problem } from "../api/types";

export type Sent = { readonly operation: OperationView } | { readonly problems: readonly Problem[] } | { readonly message: string; readonly status: number };

/** An openapi-fetch result of a route that answers 202 with an operation. */
interface Result {
  readonly data?: OperationView;
  readonly error?: ErrorBody | unknown;
  readonly response: Response;
}

export function sentOf(result: Result): Sent {
  if (result.data !== undefined) return { operation: result.data };
  const body = result.error as Partial<ErrorBody> | undefined;
  if (body?.problems && body.problems.length > 0) return { problems: body.problems };
  return { message: typeof body?.message === "string" ? body.message : `the portal answered ${result.response.status}`, status: result.response.status };
}
