/**
 * The one warning about a Qdrant key on plain HTTP: none for https or a loopback host (tests, the
 * local sandbox), one clear line per process otherwise, and never the library's own four.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { qdrantClient } from "../../components/qdrant/adminClient";
import { isLoopbackHost, plainHttpKeyWarning, warnOncePerProcess } from "../../components/qdrant/plainHttpWarning";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("plainHttpKeyWarning", () => {
  it.each(["http://127.0.0.1:6333", "http://127.8.9.10:6333", "http://localhost:6333", "http://qdrant.localhost", "http://[::1]:6333", "http://[::ffff:127.0.0.1]:6333", "http://127.1:6333"])(
    "says nothing for loopback %s",
    (url) => expect(plainHttpKeyWarning(url)).toBeUndefined(),
  );

  it.each(["https://qdrant.example.com", "https://10.0.0.5:6333", "https://127.0.0.1:6333"])("says nothing for https %s", (url) => {
    expect(plainHttpKeyWarning(url)).toBeUndefined();
  });

  it.each([
    ["http://qdrant.internal:6333", "qdrant.internal:6333"],
    ["http://10.0.0.5:6333", "10.0.0.5:6333"],
    ["http://[2001:db8::5]:6333", "[2001:db8::5]:6333"],
    ["http://128.0.0.1", "128.0.0.1"],
    ["http://localhost.example.com", "localhost.example.com"],
  ])("warns for plain HTTP off loopback: %s", (url, host) => {
    expect(plainHttpKeyWarning(url)).toBe(
      `frostbyte:qdrant.url is plain HTTP to ${host}: the Qdrant admin key and the tenants' tokens cross the network unencrypted; use an https:// URL (plain HTTP is meant for a Qdrant on loopback only)`,
    );
  });

  it("reads hosts as URL.hostname gives them", () => {
    expect(isLoopbackHost("[::1]")).toBe(true);
    expect(isLoopbackHost("LOCALHOST")).toBe(true);
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    expect(isLoopbackHost("::")).toBe(false);
  });
});

describe("warnOncePerProcess", () => {
  it("warns once for a URL however many clients are built, and never for loopback", () => {
    const lines: string[] = [];
    const warn = (line: string) => void lines.push(line);
    for (let i = 0; i < 4; i += 1) {
      warnOncePerProcess("http://qdrant-once.internal:6333", warn);
      warnOncePerProcess("http://127.0.0.1:6333", warn);
    }
    expect(lines).toEqual([`warning: ${plainHttpKeyWarning("http://qdrant-once.internal:6333")}`]);
  });
});

describe("qdrantClient", () => {
  it("sends the key in the api-key header on a loopback http URL without the library's warning", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ result: { exists: false }, status: "ok", time: 0 }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const warn = vi.spyOn(console, "warn");
    try {
      const client = qdrantClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "loopback-test-key");
      expect(await client.collectionExists("anything")).toEqual({ exists: false });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(seen.map((headers) => headers["api-key"])).toEqual(["loopback-test-key"]);
    expect(warn).not.toHaveBeenCalled();
  });
});
