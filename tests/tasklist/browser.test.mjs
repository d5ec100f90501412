// The task inbox in a real browser (Debian's Chromium, driven by playwright-core) against a real
// gateway and PostgreSQL server started by tests/tasklist/run (docs/tasklist.md, Tests).
// Environment: GATEWAY (base URL), ENGINE_KEY (a service API key), ANN, BOB, BOSS (tokens),
// CHROMIUM (the browser), SCREENSHOTS (a directory for the pictures of the main views).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const { GATEWAY, ENGINE_KEY, ANN, BOB, BOSS, CHROMIUM, SCREENSHOTS } = process.env;
let browser;
let run = Date.now().toString(36);

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
});
after(async () => browser?.close());

async function api(method, path, body, headers = {}) {
  const response = await fetch(GATEWAY + path, {
    method,
    headers: { "X-API-Key": ENGINE_KEY, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function offer(task, users, extra = {}) {
  return api("POST", "/api/v1/workitems", {
    workflow_id: `wf-${run}`, task_name: task, assignment: { potential_owners: { users } },
    input: { invoice: "INV-7", amount: 1250, customer: { name: "Acme" } }, ...extra,
  });
}

async function pageAs(token, path = "#/", viewport = { width: 1100, height: 800 }) {
  const context = await browser.newContext({ viewport, timezoneId: "Europe/Berlin", locale: "en-GB" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => { errors.push(String(e)); console.log(`page error: ${e}`); });
  await page.goto(`${GATEWAY}/ui/#token=${token}`);
  await page.getByRole("heading", { name: "My tasks" }).waitFor();
  if (path !== "#/") await page.goto(`${GATEWAY}/ui/${path}`);
  return { page, context, errors };
}

// What the viewport shows (a full-page screenshot resizes the viewport for a moment, and a
// click right after it can be lost).
async function shoot(page, name) {
  if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/${name}.png` });
}

test("the page is served with headers that keep it to its own origin", async () => {
  const response = await fetch(`${GATEWAY}/ui/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /^text\/html/);
  assert.match(response.headers.get("content-security-policy"), /script-src 'self'/);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  assert.equal((await fetch(`${GATEWAY}/ui/..%2Fopenapi.yaml`)).status, 404);
  assert.equal((await fetch(`${GATEWAY}/ui`, { redirect: "manual" })).status, 308);
});

test("a person claims, saves a draft and completes with the task's form", async () => {
  const task = `Approve invoice ${run}`;
  await fetch(`${GATEWAY}/api/v1/task-forms/${encodeURIComponent(task)}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${BOSS}`, "Content-Type": "application/json" },
    body: JSON.stringify({ output_schema: { type: "object", required: ["decision"], "x-order": ["decision", "note"], properties: {
      decision: { type: "string", title: "Decision", enum: ["approve", "reject"] },
      note: { type: "string", title: "Note", description: "Why, in a sentence" },
      approved_amount: { type: "number", title: "Approved amount" } } } }),
  }).then((r) => assert.equal(r.status, 200));
  const item = await offer(task, ["ann"], { priority: 5, due_at: new Date(Date.now() + 86400000).toISOString() });
  const { page, context, errors } = await pageAs(ANN);
  await page.getByRole("link", { name: new RegExp(task) }).click();
  await page.getByRole("heading", { name: new RegExp(task) }).waitFor();
  await shoot(page, "item-offered");
  await page.getByRole("button", { name: "Claim" }).click();
  await page.getByText("Claim: done.").waitFor();
  await page.getByRole("button", { name: "Start" }).click();
  await page.getByText("Start: done.").waitFor();
  // The fields in the schema's x-order, then the others.
  assert.deepEqual(await page.locator(".output-form .field > label").allInnerTexts(), ["Decision *", "Note", "Approved amount"]);
  // The form comes from the schema; a required field left empty is said in words.
  await page.getByRole("button", { name: "Complete" }).click();
  await page.getByText("Decision is required.").waitFor();
  await page.getByLabel("Decision").selectOption("approve");
  await page.getByLabel("Note").fill("within budget");
  await page.getByRole("button", { name: "Save draft" }).click();
  await page.getByText("Draft saved.").waitFor();
  await page.getByLabel("Approved amount").fill("1250");
  await page.getByRole("heading", { name: "Output" }).evaluate((h) => h.scrollIntoView());
  await shoot(page, "item-form");
  await page.getByRole("button", { name: "Complete" }).click();
  await page.getByText("Completed.").waitFor();
  assert.equal(await page.getByTestId("state").textContent(), "completed");
  const done = await api("GET", `/api/v1/workitems/${item.id}`);
  assert.deepEqual(done.output, { decision: "approve", note: "within budget", approved_amount: 1250 });
  // The history says who did what, old → new.
  await page.getByText("state: started → completed").waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("two people race for one item: the loser sees the conflict in words and reloads", async () => {
  const item = await offer(`Review ${run}`, ["ann", "bob"]);
  const ann = await pageAs(ANN, `#/items/${item.id}`);
  const bob = await pageAs(BOB, `#/items/${item.id}`);
  await ann.page.getByRole("button", { name: "Claim" }).waitFor();
  await bob.page.getByRole("button", { name: "Claim" }).waitFor();
  await ann.page.getByRole("button", { name: "Claim" }).click();
  await ann.page.getByText("Claim: done.").waitFor();
  await bob.page.getByRole("button", { name: "Claim" }).click();
  const alert = bob.page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /already claimed|changed since you opened it/);
  await shoot(bob.page, "conflict");
  await bob.page.getByRole("button", { name: "Reload the item" }).click();
  await bob.page.getByTestId("owner").getByText("ann", { exact: true }).waitFor();
  assert.equal(await bob.page.getByRole("button", { name: "Claim" }).count(), 0);
  await ann.context.close();
  await bob.context.close();
});

test("new items appear in the worklist without reloading", async () => {
  const { page, context } = await pageAs(BOB);
  await page.getByText("Live", { exact: true }).waitFor({ timeout: 15000 });
  const task = `Live arrival ${run}`;
  await offer(task, ["bob"], { priority: 9 });
  await page.getByRole("link", { name: new RegExp(task) }).waitFor({ timeout: 15000 });
  await shoot(page, "worklist");
  await context.close();
});

test("the administrator sees the tenant's overview and may allocate", async () => {
  const item = await offer(`Stuck ${run}`, ["bob"], { due_at: new Date(Date.now() - 3600000).toISOString() });
  const { page, context } = await pageAs(BOSS, "#/admin");
  await page.getByRole("heading", { name: "Overview" }).waitFor();
  await page.getByRole("link", { name: new RegExp(`Stuck ${run} #${item.id}`) }).waitFor();
  await shoot(page, "admin");
  await page.getByRole("link", { name: new RegExp(`Stuck ${run} #${item.id}`) }).click();
  await page.getByLabel("Allocate to").fill("ann");
  await page.getByRole("button", { name: "Allocate" }).click();
  await page.getByText("Allocated to ann.").waitFor();
  assert.equal((await api("GET", `/api/v1/workitems/${item.id}`)).owner, "ann");
  await context.close();
});

test("on a narrow screen every control keeps its label and the page does not scroll sideways", async () => {
  await offer(`Narrow ${run}`, ["ann"]);
  const { page, context } = await pageAs(ANN, "#/", { width: 375, height: 700 });
  await page.getByRole("link", { name: new RegExp(`Narrow ${run}`) }).waitFor();
  const unlabelled = await page.locator("input, select, textarea").evaluateAll((controls) =>
    controls.filter((c) => !c.labels?.length && !c.getAttribute("aria-label")).length);
  assert.equal(unlabelled, 0);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1));
  await shoot(page, "narrow");
  // Keyboard only: Tab reaches the first task's link.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.classList.contains("item-link"))) break;
  }
  assert.ok(await page.evaluate(() => document.activeElement?.classList.contains("item-link")));
  await context.close();
});
