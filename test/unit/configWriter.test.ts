import { describe, expect, it } from "vitest";
import { configChanges } from "../../stacks/configWriter";

describe("configChanges: what a stack's config write must do", () => {
  const current = {
    "frostbyte:mode": { value: "online", secret: false },
    "hcloud:token": { value: "old-token", secret: true },
    "minio:minioPassword": { value: "same-password", secret: true },
    "frostbyte:gone": { value: "x", secret: false },
    "postgresql:password": { value: "was-plaintext", secret: false },
  };

  it("removes stale keys, sets only changed values, and keeps secrets apart from plaintext", () => {
    const changes = configChanges(current, {
      "frostbyte:mode": { value: "offline", secret: false },
      "hcloud:token": { value: "new-token", secret: true },
      "minio:minioPassword": { value: "same-password", secret: true },
      "postgresql:password": { value: "was-plaintext", secret: true },
      "frostbyte:tenants": { value: "[]" },
    });
    expect(changes).toEqual({
      removed: ["frostbyte:gone"],
      plaintext: { "frostbyte:mode": { value: "offline", secret: false }, "frostbyte:tenants": { value: "[]" } },
      // A value stored as plaintext is written again as a secret, even when it is equal.
      secret: { "hcloud:token": { value: "new-token", secret: true }, "postgresql:password": { value: "was-plaintext", secret: true } },
    });
  });

  it("has nothing to do when the config already is the wanted one", () => {
    const { "frostbyte:gone": _gone, ...wanted } = current;
    expect(configChanges(current, wanted)).toEqual({ removed: ["frostbyte:gone"], plaintext: {}, secret: {} });
    expect(configChanges(wanted, wanted)).toEqual({ removed: [], plaintext: {}, secret: {} });
  });

  it("writes a secret that became plaintext as plaintext", () => {
    expect(configChanges(current, { ...current, "hcloud:token": { value: "old-token", secret: false } }).plaintext).toEqual({ "hcloud:token": { value: "old-token", secret: false } });
  });
});
