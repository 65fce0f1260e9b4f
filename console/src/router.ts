/**
 * The console's pages as hash routes (`/#/tenants/acme`): the portal serves one page at `/`, its API
 * owns every other path, and a reload keeps the route — an operation's id in the URL resumes it.
 */
import { useEffect, useState } from "preact/hooks";
import { isTenantState, type TenantState } from "../../domain";

export type Route =
  | { readonly page: "home" }
  | { readonly page: "overview" }
  | { readonly page: "tenants"; readonly state?: TenantState }
  | { readonly page: "create" }
  | { readonly page: "tenant"; readonly tenantId: string }
  | { readonly page: "settings"; readonly tenantId: string }
  | { readonly page: "operation"; readonly operationId: string }
  | { readonly page: "unknown"; readonly path: string };

/** The route a hash names (`#/tenants?state=ACTIVE`). */
export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter((part) => part !== "").map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: "home" };
  if (first === "overview" && parts.length === 1) return { page: "overview" };
  if (first === "tenants") {
    if (parts.length === 1) {
      const state = new URLSearchParams(query).get("state");
      return isTenantState(state) ? { page: "tenants", state } : { page: "tenants" };
    }
    if (second === "new" && parts.length === 2) return { page: "create" };
    if (second !== undefined && parts.length === 2) return { page: "tenant", tenantId: second };
    if (second !== undefined && third === "settings" && parts.length === 3) return { page: "settings", tenantId: second };
  }
  if (first === "operations" && second !== undefined && parts.length === 2) return { page: "operation", operationId: second };
  return { page: "unknown", path };
}

/** The hash of a route (what links point to). */
export function hrefOf(route: Route): string {
  switch (route.page) {
    case "home":
      return "#/";
    case "overview":
      return "#/overview";
    case "tenants":
      return route.state ? `#/tenants?state=${route.state}` : "#/tenants";
    case "create":
      return "#/tenants/new";
    case "tenant":
      return `#/tenants/${encodeURIComponent(route.tenantId)}`;
    case "settings":
      return `#/tenants/${encodeURIComponent(route.tenantId)}/settings`;
    case "operation":
      return `#/operations/${encodeURIComponent(route.operationId)}`;
    case "unknown":
      return `#/${route.path}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The current route, following the hash. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
