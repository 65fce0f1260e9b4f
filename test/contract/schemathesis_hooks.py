"""Schemathesis hooks of the portal's contract test (portalContract.test.ts, SCHEMATHESIS_HOOKS)."""

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# The operations that take a tenant config (see schemathesis.toml).
CONFIG_OPERATIONS = {("POST", "/tenants"), ("PATCH", "/tenants/{id}/config")}


def _is_network_path(path: str) -> bool:
    return path == "config.network" or path.startswith("config.network.") or path.startswith("config.network[")


@schemathesis.check
def network_rules_only(ctx, response, case):
    """A schema-valid tenant config may be refused (400) only for its network rules, naming each path under config.network."""
    if (case.operation.method.upper(), case.operation.path) not in CONFIG_OPERATIONS:
        return None
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    # Request-shape probes of the coverage phase (a wrong content type, an undeclared method) carry no schema-valid data.
    if is_unexpected_http_status_case(case):
        return None
    problems = response.json().get("problems") or []
    outside = [problem for problem in problems if not _is_network_path(problem.get("path", ""))]
    if not problems or outside:
        raise AssertionError(
            "Schema-valid tenant config refused for a rule outside config.network, which the document should state: "
            + "; ".join(f"{problem.get('path')}: {problem.get('message')}" for problem in (outside or problems))
        )
    return None
