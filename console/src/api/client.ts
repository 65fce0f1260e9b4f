/**
 * The console's API client: openapi-fetch typed by the generated paths, on the portal's own origin.
 * The token lives only in this closure (never in storage or a cookie) and goes out as a bearer
 * header; any 401 (the token expired or was revoked) ends the session through `onUnauthorized`.
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./generated/schema";

export type Api = Client<paths>;

/** The message of an error answer, or the status text when the body is not the API's error shape. */
export async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as { message?: unknown };
    if (typeof body.message === "string") return body.message;
  } catch {
    // Not JSON: fall back to the status.
  }
  return `${response.status} ${response.statusText}`.trim();
}

export function apiClient(token: string, onUnauthorized: (message: string) => void): Api {
  const client = createClient<paths>({ baseUrl: window.location.origin });
  client.use({
    onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${token}`);
      return request;
    },
    async onResponse({ response }) {
      if (response.status === 401) onUnauthorized(await errorMessage(response));
      return response;
    },
  });
  return client;
}
