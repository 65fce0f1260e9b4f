/**
 * The console's forms check with the API's own rules and put each problem at its field: the
 * problems the page finds before sending are the ones `POST /tenants` and `PATCH
 * /tenants/{id}/config` answer with (same paths, same words), and a path lands at the most
 * specific field, rule or section that holds it.
 */
import { describe, expect, it } from "vitest";
import { createProblems, defaultConfig, patchProblems } from "../../console/src/forms/validate";
import { anchorOf, fieldId, placeProblems } from "../../console/src/forms/problems";
import { ConfigValidationError, parseTenantConfig } from "../../domain";
import { tenantIdPathProblem } from "../../portal/operations/service";

describe("the create form's rules", () => {
  it("are the API's: the id problem at `id` in the portal's words, config problems at `config.…`", () => {
    const config = { retention_days: 0, network: { ssh_cidrs: ["0.0.0.0/0"] }, surprise: true };
    let apiConfigProblems: readonly unknown[] = [];
    try {
      parseTenantConfig(config, "config");
    } catch (error) {
      if (error instanceof ConfigValidationError) apiConfigProblems = error.problems;
    }
    expect(apiConfigProblems.length).toBe(3);
    expect(createProblems("Bad--id", config)).toEqual([tenantIdPathProblem("Bad--id", "id"), ...apiConfigProblems]);
  });

  it("find nothing in a good id and the default config", () => {
    expect(createProblems("acme", defaultConfig())).toEqual([]);
  });
});

describe("the settings form's rules", () => {
  const stored = defaultConfig();

  it("check the merged config, and refuse removing a key the config does not know", () => {
    expect(patchProblems(stored, { quotas: { db_connections: 1000 } }).map((problem) => problem.path)).toEqual(["config.quotas.db_connections"]);
    expect(patchProblems(stored, { nonsense: null })).toEqual([{ path: "config.nonsense", message: "unknown key" }]);
    expect(patchProblems(stored, { retention_days: null, pii: { mode: "block" } })).toEqual([]);
  });
});

describe("where a problem is shown", () => {
  const anchors = ["id", "config.network", "config.network.ssh_cidrs", "config.network.ingress", "config.network.ingress[0]", "config.network.ingress[0].port", "config.retention_days"];

  it("at the most specific anchor holding its path; a schema error's body. prefix is dropped", () => {
    expect(anchorOf("config.network.ssh_cidrs[2]", anchors)).toBe("config.network.ssh_cidrs");
    expect(anchorOf("config.network.ingress[0].port", anchors)).toBe("config.network.ingress[0].port");
    expect(anchorOf("config.network.ingress[0].source_ips[1]", anchors)).toBe("config.network.ingress[0]");
    expect(anchorOf("config.network", anchors)).toBe("config.network");
    expect(anchorOf("body.id", anchors)).toBe("id");
    // A prefix of a key is not its parent.
    expect(anchorOf("config.retention_days_extra", anchors)).toBeUndefined();
  });

  it("in the summary only when no anchor holds it", () => {
    const placed = placeProblems(
      [
        { path: "config.quotas.storage_gb", message: "too big" },
        { path: "config.retention_days", message: "too small" },
      ],
      anchors,
    );
    expect(placed.get("")).toEqual([{ path: "config.quotas.storage_gb", message: "too big" }]);
    expect(placed.get("config.retention_days")).toEqual([{ path: "config.retention_days", message: "too small" }]);
  });

  it("under an id every anchor gets its own", () => {
    const ids = anchors.map(fieldId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(fieldId("config.network.ingress[0].port")).toBe("field-config-network-ingress-0-port");
  });
});
