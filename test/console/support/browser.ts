/**
 * Debian's Chromium (scripts/setup-browser.sh) driven by playwright-core: no browser download.
 * Every request the page makes is recorded; one to anything but 127.0.0.1 is aborted and kept,
 * so a test can assert that none happened. axe-core checks a page for accessibility.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { PROJECT_ROOT } from "../../e2e/support/localStack";

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"];

/** Where the README's screenshots are written (committed). */
export const SCREENSHOTS = join(PROJECT_ROOT, "docs/screenshots");

export interface ConsoleBrowser {
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every request the pages made, as `METHOD url`. */
  readonly requests: string[];
  /** The requests that went (or tried to go) anywhere but 127.0.0.1: aborted. */
  readonly blocked: string[];
  /** Console errors and uncaught exceptions of the page. */
  readonly pageErrors: string[];
  close(): Promise<void>;
}

export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: bash scripts/setup-browser.sh installs Debian's Chromium`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-GB", timezoneId: "UTC" });
  const requests: string[] = [];
  const blocked: string[] = [];
  const pageErrors: string[] = [];
  await context.route("**/*", async (route) => {
    const request = route.request();
    requests.push(`${request.method()} ${request.url()}`);
    const { protocol, hostname } = new URL(request.url());
    // data: and blob: URLs never leave the page; anything else must go to the portal on loopback.
    if (protocol === "data:" || protocol === "blob:" || hostname === "127.0.0.1") return route.continue();
    blocked.push(request.url());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  return {
    browser,
    context,
    page,
    requests,
    blocked,
    pageErrors,
    close: async () => {
      await context.close();
      await browser.close();
    },
  };
}

const AXE_SOURCE = readFileSync(join(PROJECT_ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: string[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now. axe is
 * evaluated through the DevTools protocol, not as a <script>, which the page's CSP would refuse.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((node) => String(node.target)),
  })))`)) as AxeViolation[];
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}

/** A full-page screenshot for the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
