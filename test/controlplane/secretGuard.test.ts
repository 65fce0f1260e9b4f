import { describe, expect, it } from "vitest";
import { assertNoSecrets, SecretLikeDataError } from "../../controlplane";
import { redact } from "../../cli/errorLine";

describe("assertNoSecrets", () => {
  it.each([
    [{ password: "x" }, "details.password"],
    [{ db: { adminPassword: "x" } }, "details.db.adminPassword"],
    [{ api_key: "x" }, "details.api_key"],
    [{ minio: { accessKeyId: "x" } }, "details.minio.accessKeyId"],
    [{ TOKEN: "x" }, "details.TOKEN"],
    [{ client_secret: "x" }, "details.client_secret"],
    [{ urls: ["https://ok.example", "redis://u:p@10.0.0.1:6379"] }, "details.urls[1]"],
    [{ note: "-----BEGIN OPENSSH PRIVATE KEY-----" }, "details.note"],
    [{ note: "AGE-SECRET-KEY-1QQQ" }, "details.note"],
  ])("refuses %j at %s, without quoting the value", (details, path) => {
    expect(() => assertNoSecrets(details, "details")).toThrow(SecretLikeDataError);
    try {
      assertNoSecrets(details, "details");
    } catch (error) {
      expect((error as SecretLikeDataError).path).toBe(path);
      expect((error as Error).message).not.toMatch(/"x"|u:p@|BEGIN OPENSSH|QQQ/);
    }
  });

  it("lets ordinary facts through", () => {
    expect(() =>
      assertNoSecrets({ from: "ACTIVE", monkey: 1, keyboard: "de", error: "timeout", api_url: "https://acme.example/api?x=1", server_ips: ["203.0.113.7"] }, "details"),
    ).not.toThrow();
  });
});

describe("redact", () => {
  it("blanks passwords in URLs and the known URL's password wherever it appears", () => {
    expect(redact("connect postgresql://ops:s3cr%40t@db:5432/x failed")).toBe("connect postgresql://ops:***@db:5432/x failed");
    expect(redact("bad password s3cr@t here", ["postgresql://ops:s3cr%40t@db/x"])).toBe("bad password *** here");
  });
});
