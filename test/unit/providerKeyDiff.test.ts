/** The diff the dynamic providers share: which inputs count, which replace, and deleting first. */
import { describe, expect, it } from "vitest";
import { keyDiff } from "../../components/providerRuntime/keyDiff";

interface Inputs {
  readonly tenantId: string;
  readonly rules: readonly string[];
  readonly enabled: boolean;
  readonly providerVersion: string;
}

const base: Inputs = { tenantId: "acme", rules: ["on", "~tenant:acme:*"], enabled: true, providerVersion: "1" };

describe("keyDiff", () => {
  it("reports no change when the compared and replacing inputs are equal, lists by value", () => {
    expect(keyDiff<Inputs>(base, { ...base, rules: [...base.rules] }, ["rules", "enabled", "providerVersion"], ["tenantId"], true)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: true,
    });
  });

  it.each([
    ["a list", { rules: ["off"] }],
    ["a flag", { enabled: false }],
    ["the provider version", { providerVersion: "2" }],
  ])("updates in place when %s changes", (_what, change) => {
    expect(keyDiff<Inputs>(base, { ...base, ...change }, ["rules", "enabled", "providerVersion"], ["tenantId"])).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  it("replaces on a replacing key, naming only the keys that changed", () => {
    expect(keyDiff<Inputs>(base, { ...base, tenantId: "globex", enabled: false }, ["enabled"], ["tenantId", "providerVersion"], true)).toEqual({
      changes: true,
      replaces: ["tenantId"],
      deleteBeforeReplace: true,
    });
  });

  it("ignores inputs it is not told to compare", () => {
    expect(keyDiff<Inputs>(base, { ...base, enabled: false }, ["providerVersion"], ["tenantId"]).changes).toBe(false);
  });
});
