/**
 * The self-service console in a real browser (Debian's Chromium through playwright-core) against
 * `frostbyte portal` on the real engine and real stores: sign-in, a tenant created and followed to
 * ACTIVE (a reload mid-way resumes it), a bad config's problems at their fields before anything is
 * sent and the API's answer at its field after, suspend and resume with confirmations naming the
 * tenant, the audit log and its verified chain, each tenant's drift status ("never checked" until a
 * check is recorded, then its result and time on the list, the tenant page and the overview), a
 * tenant's session kept to its own tenant, a
 * revoked token sent back to sign-in, sign-out, and deprovisioning after typing the id. Every page
 * passes axe-core with no serious or critical violation; the browser spoke to 127.0.0.1 only and the
 * page's Content-Security-Policy refused anything inline. Screenshots go to docs/screenshots/.
 */
import type { Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createToken, recordDriftCheck, revokeToken } from "../../../controlplane";
import { openConsoleBrowser, screenshot, seriousViolations, type ConsoleBrowser } from "../support/browser";
import { startConsolePortal, type ConsolePortal } from "../support/consolePortal";

/** An engine run on this machine: provisioning, suspending or deprovisioning one tenant. */
const OPERATION_TIMEOUT_MS = 300_000;

let portal: ConsolePortal;
let browser: ConsoleBrowser;
let page: Page;

async function expectAccessible(what: string): Promise<void> {
  expect(await seriousViolations(page), `axe-core on ${what}`).toEqual([]);
}

async function signIn(token: string): Promise<void> {
  await page.getByLabel("Portal token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Waits on an operation's page until it has finished; returns the state the page shows. */
async function operationFinishes(): Promise<string> {
  await page.locator("#operation-result").waitFor({ timeout: OPERATION_TIMEOUT_MS });
  return (await page.locator("#operation-state").innerText()).trim();
}

async function openTenant(id: string): Promise<void> {
  await page.goto(`${portal.url}/#/tenants/${id}`);
  await page.getByRole("heading", { level: 1, name: `Tenant ${id}` }).waitFor();
}

/** Runs one action from the tenant page through its confirmation; returns the dialog's title. */
async function confirmAction(id: string, label: string): Promise<string> {
  await openTenant(id);
  await page.getByRole("button", { name: label, exact: true }).click();
  const dialog = page.getByRole("dialog");
  const title = await dialog.getByRole("heading").innerText();
  await dialog.getByRole("button", { name: `${label} ${id}` }).click();
  return title;
}

beforeAll(async () => {
  portal = await startConsolePortal();
  browser = await openConsoleBrowser();
  page = browser.page;
});

// What the page showed when a test failed: its URL and text (a browser test's failure is otherwise blind).
afterEach(async ({ task }) => {
  if (task.result?.state !== "fail" || !page) return;
  const text = await page.locator("body").innerText({ timeout: 2_000 }).catch((error: unknown) => `(no text: ${String(error)})`);
  process.stderr.write(`\n--- ${task.name}: the page at ${page.url()} showed ---\n${text}\n---\n`);
});

afterAll(async () => {
  await browser?.close();
  await portal?.close(["acme"]);
});

describe("the console in Chromium on the real portal, engine and stores", () => {
  it("serves its page with a CSP that admits only its own origin, and refuses an unknown token", async () => {
    const response = await page.goto(`${portal.url}/`);
    const csp = response?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    await page.getByLabel("Portal token").waitFor();
    // An inline script is refused by the policy, so an injected one could not run either.
    const ran = await page.evaluate(`new Promise((resolve) => {
      document.addEventListener("securitypolicyviolation", () => resolve(window.inlineRan === true ? "ran" : "refused"), { once: true });
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.append(script);
    })`);
    expect(ran).toBe("refused");
    await expectAccessible("the sign-in page");
    await screenshot(page, "sign-in");

    await signIn(`fbt_${"x".repeat(43)}`);
    await expect.poll(() => page.getByRole("alert").innerText()).toContain("This token was not accepted: unknown or revoked token");
  });

  it("signs an operator in to the overview", async () => {
    await signIn(portal.adminToken);
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
    await expect.poll(() => page.locator("main").innerText()).toContain("Operations running now");
    await expectAccessible("the overview");
  });

  it("shows a bad config's problems next to their fields before sending anything", async () => {
    await page.goto(`${portal.url}/#/tenants/new`);
    await page.getByLabel("Tenant id").fill("Bad--id");
    await page.getByLabel("Retention (days)").fill("0");
    await page.getByLabel("SSH sources").fill("0.0.0.0/0");
    const posts = browser.requests.filter((request) => request.startsWith("POST ")).length;
    await page.getByRole("button", { name: "Create and provision" }).click();

    await expect.poll(() => page.locator("#field-id-problems").innerText()).toContain('tenant id "Bad--id"');
    expect(await page.locator("#field-config-retention_days-problems").innerText()).toMatch(/>=\s*1/);
    expect(await page.locator("#field-config-network-ssh_cidrs-problems").innerText()).toContain("/8 or narrower");
    expect(await page.getByLabel("Retention (days)").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator(".summary").innerText()).toContain("3 problems to fix");
    expect(browser.requests.filter((request) => request.startsWith("POST ")).length, "nothing was sent").toBe(posts);
    await expectAccessible("the create form with problems");
    await screenshot(page, "create-tenant-problems");

    // Fixing a field clears its problem at once.
    await page.getByLabel("Retention (days)").fill("30");
    await expect.poll(() => page.locator("#field-config-retention_days-problems").count()).toBe(0);
  });

  it("creates a tenant and follows it to ACTIVE; a reload mid-way resumes the operation after sign-in", async () => {
    // A fresh form: leave the page first (the hash alone would keep the form as it was).
    await page.goto(`${portal.url}/#/tenants`);
    await page.goto(`${portal.url}/#/tenants/new`);
    await page.getByLabel("Tenant id").fill("acme");
    await page.getByLabel("SSH sources").fill("198.51.100.0/24");
    await page.getByRole("button", { name: "Create and provision" }).click();
    await page.waitForURL(/#\/operations\/[0-9a-f-]{36}$/);
    const operationUrl = page.url();
    await page.locator("table.resources tbody tr").first().waitFor({ timeout: OPERATION_TIMEOUT_MS });

    await page.reload();
    await page.getByText("It is kept in this page only").waitFor();
    expect(page.url()).toBe(operationUrl);
    await signIn(portal.adminToken);
    expect(await operationFinishes()).toBe("succeeded");
    const resources = await page.locator("table.resources tbody tr").count();
    expect(resources).toBeGreaterThan(5);
    expect(await page.locator("table.resources tbody tr.resource-failed").count()).toBe(0);
    expect(await page.locator("#progress-status").innerText()).toBe("The operation succeeded.");
    expect(await page.locator("#operation-result").innerText()).toContain("ACTIVE");
    await expectAccessible("a finished operation");
    await screenshot(page, "operation");
  }, OPERATION_TIMEOUT_MS + 60_000);

  it("shows the tenant: state, endpoints without credentials, config, operations and the verified audit chain", async () => {
    await openTenant("acme");
    const main = page.locator("main");
    await expect.poll(() => page.locator("#chain-result").count()).toBe(1);
    const text = await main.innerText();
    expect(text).toContain("ACTIVE");
    expect(text).toContain("Endpoints");
    expect(text).toContain("network.ssh_cidrs[0]");
    expect(text).toMatch(/provision\s+succeeded/);
    expect(text).toContain("TENANT_PROVISIONED");
    expect(await page.locator("#chain-result").innerText()).toMatch(/^Chain verified: all \d+ events/);
    expect(text.toLowerCase()).not.toMatch(/password|secret_key|secretkey/);
    expect(await page.locator("#drift-status").innerText()).toBe("never checked");
    await page.getByRole("button", { name: "Preview" }).waitFor();
    await expectAccessible("the tenant page");
    await screenshot(page, "tenant");
    await page.goto(`${portal.url}/#/tenants/acme/settings`);
    await page.getByLabel("Retention (days)").waitFor();
    await expectAccessible("the settings form");
  });

  it("suspends and resumes after confirmations naming the tenant; the audit log shows both", async () => {
    expect(await confirmAction("acme", "Suspend")).toBe("Suspend tenant acme?");
    expect(await operationFinishes()).toBe("succeeded");
    await openTenant("acme");
    await expect.poll(() => page.locator(".facts").innerText()).toContain("SUSPENDED");

    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await expectAccessible("a confirmation dialog");
    await page.getByRole("dialog").getByRole("button", { name: "Resume acme" }).click();
    expect(await operationFinishes()).toBe("succeeded");

    await openTenant("acme");
    await expect.poll(() => page.locator("#chain-result").count()).toBe(1);
    expect(await page.locator(".facts").innerText()).toContain("ACTIVE");
    const audit = await page.locator("table.audit").innerText();
    expect(audit.indexOf("TENANT_SUSPENDED")).toBeGreaterThan(-1);
    expect(audit.indexOf("TENANT_RESUMED")).toBeGreaterThan(audit.indexOf("TENANT_SUSPENDED"));
    expect(await page.locator("#chain-result").innerText()).toMatch(/^Chain verified/);
  }, 2 * OPERATION_TIMEOUT_MS + 60_000);

  it("lists tenants filtered by state, each with its drift status", async () => {
    await portal.env.controlPlane.registry.createTenant("globex", { actor: "console-e2e", config: {} });
    // What a drift job records when its refresh-preview finds a change made by hand.
    const check = await recordDriftCheck(portal.env.controlPlane.pool, { tenantId: "acme", result: "drifted", changes: { same: 9, update: 1 } });
    const checkedAt = `${check.checkedAt.toISOString().slice(0, 19).replace("T", " ")} UTC`;
    await page.goto(`${portal.url}/#/tenants`);
    await expect.poll(() => page.locator("table.tenants tbody tr").count()).toBe(2);
    const rowOf = (id: string) => page.locator("table.tenants tbody tr", { has: page.getByRole("rowheader", { name: id }) });
    expect(await rowOf("acme").locator("td.drift").innerText()).toBe(`drifted ${checkedAt}`);
    expect(await rowOf("globex").locator("td.drift").innerText()).toBe("never checked");
    await page.getByLabel("State").selectOption("ACTIVE");
    await page.waitForURL(/#\/tenants\?state=ACTIVE$/);
    await expect.poll(() => page.locator("table.tenants tbody").innerText()).not.toContain("globex");
    expect(await page.locator("table.tenants tbody").innerText()).toContain("acme");
    await expectAccessible("the tenant list");
    await page.getByLabel("State").selectOption("");
    await expect.poll(() => page.locator("table.tenants tbody tr").count()).toBe(2);
    await screenshot(page, "tenants");
    await page.goto(`${portal.url}/#/overview`);
    await expect.poll(() => page.locator(".counts").innerText()).toMatch(/1\s+ACTIVE/);
    const drifted = page.locator("section", { has: page.getByRole("heading", { name: "Drifted tenants" }) });
    expect(await drifted.locator("li").allInnerTexts()).toEqual([`acme drifted update 1, checked ${checkedAt}`]);
    await expectAccessible("the overview with a drifted tenant");
    await screenshot(page, "overview");

    await openTenant("acme");
    await expect.poll(() => page.locator("#drift-status").innerText()).toBe(`drifted ${checkedAt} — changes found: update 1`);
    await expectAccessible("the tenant page of a drifted tenant");
  });

  it("signs out: the token is gone and the sign-in page says so", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect.poll(() => page.getByRole("status").innerText()).toContain("You signed out");
    await page.goto(`${portal.url}/#/tenants`);
    await page.getByLabel("Portal token").waitFor();
  });

  it("keeps a tenant's session to its own tenant: no other tenant, no operator action", async () => {
    const acme = await createToken(portal.env.controlPlane.pool, { kind: "tenant", tenantId: "acme" });
    await page.goto(`${portal.url}/#/`);
    await signIn(acme.token);
    await page.getByRole("heading", { level: 1, name: "Tenant acme" }).waitFor();
    await expect.poll(() => page.locator("#chain-result").count()).toBe(1);
    expect(await page.locator("#drift-status").innerText(), "a tenant sees its own drift status").toMatch(/^drifted .* — changes found: update 1$/);
    expect(await page.getByRole("navigation", { name: "Main" }).innerText()).not.toMatch(/Overview|New tenant/);
    for (const operatorOnly of ["Suspend", "Resume", "Deprovision"]) expect(await page.getByRole("button", { name: operatorOnly, exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "Rotate credentials" }).waitFor();

    await page.goto(`${portal.url}/#/tenants`);
    await expect.poll(() => page.locator("table.tenants tbody tr").count()).toBe(1);
    expect(await page.locator("table.tenants tbody").innerText()).not.toContain("globex");

    await page.goto(`${portal.url}/#/tenants/globex`);
    await expect.poll(() => page.getByRole("alert").innerText()).toContain('may not reach tenant "globex"');
    expect(await page.getByRole("button", { name: "Rotate credentials" }).count()).toBe(0);
    await page.goto(`${portal.url}/#/tenants/globex/settings`);
    await expect.poll(() => page.getByRole("alert").innerText()).toContain('may not reach tenant "globex"');
    expect(await page.getByRole("button", { name: /^Save/ }).count()).toBe(0);

    // Its own settings: the data policy only.
    await page.goto(`${portal.url}/#/tenants/acme/settings`);
    await page.getByLabel("Retention (days)").waitFor();
    expect(await page.getByLabel("Server type").count()).toBe(0);
    expect(await page.getByLabel("SSH sources").count()).toBe(0);
    await screenshot(page, "settings-tenant");

    // Revoked while signed in: the next call sends the page back to sign-in, saying why.
    await revokeToken(portal.env.controlPlane.pool, acme.record.tokenId);
    await page.goto(`${portal.url}/#/tenants`);
    await expect.poll(() => page.getByRole("status").innerText()).toContain("Your session ended: the portal no longer accepts this token");
    await page.getByLabel("Portal token").waitFor();
  });

  it("deprovisions only after the tenant's id is typed", async () => {
    await signIn(portal.adminToken);
    await openTenant("acme");
    await page.getByRole("button", { name: "Deprovision", exact: true }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByRole("heading").innerText()).toBe("Deprovision tenant acme?");
    const confirm = dialog.getByRole("button", { name: "Deprovision acme" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel("Type acme to confirm").fill("acm");
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel("Type acme to confirm").fill("acme");
    await expectAccessible("the deprovision confirmation");
    await screenshot(page, "confirm-deprovision");
    await confirm.click();
    expect(await operationFinishes()).toBe("succeeded");
    await openTenant("acme");
    await expect.poll(() => page.locator(".facts").innerText()).toContain("DEPROVISIONED");
  }, OPERATION_TIMEOUT_MS + 60_000);

  it("spoke to the portal on 127.0.0.1 only, with no error in the page", () => {
    expect(browser.blocked).toEqual([]);
    expect(browser.requests.length).toBeGreaterThan(20);
    expect(browser.requests.every((request) => request.split(" ")[1]?.startsWith(`${portal.url}/`))).toBe(true);
    // The refused inline script and the API's refusals (the unknown and revoked tokens, another tenant) are the only errors the page logged.
    const unexpected = browser.pageErrors.filter((error) => !/Content Security Policy|status of (401|403) /.test(error));
    expect(unexpected, portal.output().slice(-4000)).toEqual([]);
  });
});
