/**
 * The console inside the portal, without a database: its page and assets are public and carry the
 * Content-Security-Policy that keeps the page on the portal's origin; a portal whose console was
 * never built still starts and says how to build it; the read routes it needs are in the OpenAPI
 * document (which the build exports without touching a service) and the pages are not.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portalOpenApiDocument } from "../../console/build/openapiDocument";
import { streamDataSchemas } from "../../console/build/generatedApi";
import { CONSOLE_CSP } from "../../portal/console";
import { consolePages } from "../../portal/console/pages";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "frostbyte-console-assets-"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>console</title>");
  await writeFile(join(dir, "app.js"), "console.log('console')");
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function pagesOn(assetsDir: string) {
  const app = Fastify();
  await app.register(consolePages, { assetsDir });
  return app;
}

describe("the console's pages", () => {
  it("serves the page and its script with the CSP and their content types", async () => {
    const app = await pagesOn(dir);
    const page = await app.inject({ method: "GET", url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain("<title>console</title>");
    const script = await app.inject({ method: "GET", url: "/console/app.js" });
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    for (const answer of [page, script]) {
      expect(answer.headers["content-security-policy"]).toBe(CONSOLE_CSP);
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["x-frame-options"]).toBe("DENY");
    }
    await app.close();
  });

  it("allows nothing but the portal's own origin, and nothing inline", () => {
    const directives = new Map(CONSOLE_CSP.split("; ").map((directive) => [directive.split(" ")[0], directive.split(" ").slice(1).join(" ")]));
    expect(directives.get("default-src")).toBe("'none'");
    for (const name of ["script-src", "style-src", "connect-src", "img-src"]) expect(directives.get(name)).toBe("'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it("answers 503 naming the missing file and the build command when the console was not built", async () => {
    const app = await pagesOn(join(dir, "missing"));
    const answer = await app.inject({ method: "GET", url: "/console/app.css" });
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toBe(`the console is not built: ${join(dir, "missing", "app.css")} is missing; run npm run build\n`);
    expect(answer.headers["content-security-policy"]).toBe(CONSOLE_CSP);
    await app.close();
  });
});

describe("the OpenAPI document the console's types are generated from", () => {
  it("documents the console's read routes, hides its pages, and carries the stream's event data schemas", async () => {
    const document = await portalOpenApiDocument();
    const paths = Object.keys(document["paths"] as Record<string, unknown>);
    expect(paths).toEqual(expect.arrayContaining(["/me", "/tenants/{id}/operations", "/tenants/{id}/audit", "/tenants", "/operations/{id}/stream"]));
    expect(paths.filter((path) => path === "/" || path.startsWith("/console"))).toEqual([]);
    const stream = streamDataSchemas(document);
    expect(Object.keys(stream).sort()).toEqual(["closed", "end", "progress"]);
    expect(JSON.stringify(stream["progress"])).toContain("resource-started");
  });
});
