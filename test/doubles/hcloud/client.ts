/** Small fetch helper for tests that drive the Hetzner Cloud API test double over HTTP. */
import type { HcloudApiDouble } from "./server";

export interface ApiResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ErrorResponseBody {
  readonly error: { readonly code: string; readonly message: string; readonly details: Record<string, unknown> };
}

export function hcloudClient(double: Pick<HcloudApiDouble, "url">, token: string) {
  async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, auth: string | null = `Bearer ${token}`): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (auth !== null) headers.Authorization = auth;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(`${double.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text === "" ? {} : JSON.parse(text)) as T, headers: res.headers };
  }

  /** Polls `GET /actions?id=..` like hcloud-go's ActionClient.WaitFor until no action is running. */
  async function waitFor(ids: readonly number[], timeoutMs = 5000): Promise<{ id: number; status: string; error: { code: string; message: string } | null }[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const q = ids.map((id) => `id=${id}`).join("&");
      const res = await call<{ actions: { id: number; status: string; error: { code: string; message: string } | null }[] }>("GET", `/actions?${q}&sort=status&sort=id`);
      if (res.status !== 200) throw new Error(`waitFor: HTTP ${res.status}`);
      if (res.body.actions.every((a) => a.status !== "running")) return res.body.actions;
      if (Date.now() > deadline) throw new Error(`waitFor: actions ${ids.join(",")} still running`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  return {
    call,
    waitFor,
    get: <T = Record<string, unknown>>(path: string) => call<T>("GET", path),
    post: <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>("POST", path, body),
    put: <T = Record<string, unknown>>(path: string, body?: unknown) => call<T>("PUT", path, body),
    del: <T = Record<string, unknown>>(path: string) => call<T>("DELETE", path),
  };
}

export type HcloudClient = ReturnType<typeof hcloudClient>;
