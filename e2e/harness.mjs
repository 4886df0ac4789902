// Starts the real release server on a random port with a fresh database
// (a temporary SQLite file, or a new PostgreSQL database when
// TAPROOM_E2E_PG_ADMIN names an admin URL), and headless Chromium with a
// fresh profile per browser context.

import { spawn, execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "..");
const SERVER = process.env.TAPROOM_E2E_SERVER ?? join(ROOT, "target/release/taproom-server");
export const SITE_ROOT = process.env.TAPROOM_E2E_SITE_ROOT ?? join(ROOT, "target/site");
const CHROMIUM = process.env.TAPROOM_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const PASSWORD = "taproom-demo";
export const DEMO = {
  admin: "admin@taproom.test",
  bartender: "bartender@taproom.test",
  customer: "customer@taproom.test",
};
/** TAPROOM_E2E_REFRESH_COOKIE=on runs every test against a server in
 *  cookie mode: refresh tokens in HttpOnly cookies, none in storage. */
export const COOKIE_MODE = process.env.TAPROOM_E2E_REFRESH_COOKIE === "on";
/** An app's storage keys: access token, refresh token (not in cookie mode), user. */
const keys = (access, refresh, user) => (COOKIE_MODE ? [access, user] : [access, refresh, user]);
export const APPS = {
  customer: { base: "", keys: keys("access_token", "refresh_token", "user"), cookie: "taproom_refresh_customer" },
  bartender: { base: "/bartender", keys: keys("bartender_token", "bartender_refresh_token", "bartender"), cookie: "taproom_refresh_bartender" },
  admin: { base: "/admin", keys: keys("admin_token", "admin_refresh_token", "admin_user"), cookie: "taproom_refresh_admin" },
};

const JWT_SECRET = "e2e-secret-e2e-secret-e2e-secret-e2e-secret";
const stripAnsi = (text) => text.replace(/\x1b\[[0-9;]*m/g, "");

/** A running server; `log` holds everything it wrote. */
export async function startServer({ accessTtl = "30m", extraArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "taproom-e2e-"));
  let databaseUrl = `sqlite://${join(dir, "taproom.db")}`;
  let dropDatabase = () => {};
  const pgAdmin = process.env.TAPROOM_E2E_PG_ADMIN;
  if (pgAdmin) {
    const name = `taproom_e2e_${process.pid}_${Date.now()}`;
    execFileSync("psql", [pgAdmin, "-qc", `CREATE DATABASE ${name}`]);
    databaseUrl = `${pgAdmin.replace(/\/[^/]*$/, "")}/${name}`;
    dropDatabase = () => {
      try {
        execFileSync("psql", [pgAdmin, "-qc", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
      } catch {}
    };
  }
  const server = { log: "", url: null, child: null, databaseUrl, siteRoot: SITE_ROOT };
  const collect = (chunk) => { server.log += stripAnsi(chunk.toString()); };
  /** Spawns the server on `bind` and waits for its "listening" line. */
  const launch = (bind) => {
    const args = [
      "serve", "--demo",
      "--bind", bind,
      "--database-url", databaseUrl,
      "--site-root", server.siteRoot,
      "--access-ttl", accessTtl,
      // Many sign-ins from one address in a few minutes; the per-account
      // limit stays as shipped (one test checks its message).
      "--login-rate-ip", "1000/1m",
      ...(COOKIE_MODE ? ["--refresh-cookie", "on"] : []),
      ...extraArgs,
    ];
    const child = spawn(SERVER, args, {
      env: { ...process.env, TAPROOM_JWT_SECRET: JWT_SECRET, RUST_LOG: "info,sqlx=warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.child = child;
    // Only what this process writes counts: after a restart the log
    // still holds the previous process's "listening" line.
    const from = server.log.length;
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start:\n${server.log}`)), 60_000);
      const look = () => {
        const found = server.log.slice(from).match(/Taproom is listening on (http:\/\/[0-9.:]+)/);
        if (found) { clearTimeout(timer); child.stdout.off("data", look); ok(found[1]); }
      };
      child.stdout.on("data", look);
      child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`server exited (${code}):\n${server.log}`)); });
    });
  };
  server.url = await launch("127.0.0.1:0");
  /** Ends the server process (SIGTERM: a graceful stop) and keeps its database. */
  server.halt = async (signal = "SIGTERM") => {
    const child = server.child;
    child.removeAllListeners("exit");
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill(signal);
      await exited;
    }
  };
  /** Starts the server again on the same address, database and JWT secret
   *  (so sessions and tokens stay valid), after `halt()`; with `siteRoot`,
   *  serving the apps built there (a new release). */
  server.resume = async ({ siteRoot } = {}) => {
    server.siteRoot = siteRoot ?? server.siteRoot;
    server.url = await launch(new URL(server.url).host);
  };
  /** `halt()` then `resume()`. */
  server.restart = async (signal, options) => {
    await server.halt(signal);
    await server.resume(options);
  };
  server.stop = async () => {
    await server.halt();
    // TAPROOM_E2E_LOG_DIR=dir keeps each server's log there, for a look afterwards.
    const logDir = process.env.TAPROOM_E2E_LOG_DIR;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      writeFileSync(join(logDir, `server-${process.pid}-${Date.now()}.log`), server.log);
    }
    dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  };
  /** How many refreshes the server has answered so far. */
  server.refreshCount = () =>
    server.log.split("\n").filter((line) => line.includes("route=/api/auth/refresh") && line.includes("response")).length;
  return server;
}

/** Another release of the apps, in a new site root: the same build with
 *  one more file in each app's `pkg/`, so the server serves each app's
 *  files under a new version. `remove()` deletes it. */
export function newRelease() {
  const root = mkdtempSync(join(tmpdir(), "taproom-release-"));
  cpSync(SITE_ROOT, root, { recursive: true });
  for (const app of Object.keys(APPS)) {
    writeFileSync(join(root, app, "pkg", "release.txt"), `${root}\n`);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** Headless Chromium; each `newContext()` is a separate browser profile. */
export async function startBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/** JSON API call from the test itself (not the browser). */
export async function api(server, method, path, { token, body } = {}) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(server.url + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch {}
  return { status: res.status, json };
}

let counter = 0;
/** A new customer account, made through the API, with no session. */
export async function newCustomer(server) {
  counter += 1;
  const email = `guest${process.pid}x${counter}@e2e.test`;
  const res = await api(server, "POST", "/api/auth/register", { body: { email, password: PASSWORD, name: `Guest ${counter}` } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.json)}`);
  // Sign-up signs in; end that session so the account starts with none.
  await api(server, "POST", "/api/auth/logout", { body: { refresh_token: res.json.refresh_token } });
  return email;
}

/** Opens `app`'s login page and waits until the form is live (hydrated). */
export async function openLogin(page, server, app) {
  await page.goto(`${server.url}${APPS[app].base}/login`);
  await page.locator("button[type=submit]:not([disabled])").waitFor();
}

/** Follows a link of the header: on a phone the pages are folded behind
 *  the "Pages" button, which is opened first. */
export async function goTo(page, name) {
  const toggle = page.getByTestId("menu-toggle");
  if (await toggle.isVisible().catch(() => false) && (await toggle.getAttribute("aria-expanded")) !== "true") {
    await toggle.click();
  }
  await page.getByRole("link", { name, exact: true }).click();
}

/** Signs in through the app's login page and waits for the home page. */
export async function login(page, server, app, email, password = PASSWORD) {
  await openLogin(page, server, app);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.getByTestId("welcome").waitFor();
}

/** This page's localStorage as an object. */
export async function storage(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
}

/** Waits until `check()` is true, or fails with `what` after `ms`. */
export async function until(check, what, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The path part of the page's URL. */
export const pathOf = (page) => new URL(page.url()).pathname;

/** Signs in through the API (not a browser) and answers the token response. */
export async function apiLogin(server, email, app, password = PASSWORD) {
  const res = await api(server, "POST", "/api/auth/login", { body: { email, password, client_app: app } });
  if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The menu's item ids by name. */
export async function menuIds(server) {
  const res = await api(server, "GET", "/api/menu");
  if (res.status !== 200) throw new Error(`menu failed: ${res.status}`);
  return Object.fromEntries(res.json.categories.flatMap((c) => c.items.map((i) => [i.name, i.id])));
}

let orderKeys = 0;
/** Places an order through the API: `lines` is [[item name, quantity], …]. */
export async function placeOrder(server, token, { table, lines, note }) {
  const ids = await menuIds(server);
  orderKeys += 1;
  const body = { table, lines: lines.map(([name, quantity]) => ({ item_id: ids[name], quantity })) };
  if (note) body.note = note;
  const headers = {
    "content-type": "application/json",
    authorization: `Bearer ${token}`,
    "idempotency-key": `e2e-${process.pid}-${Date.now()}-${orderKeys}`,
  };
  const res = await fetch(`${server.url}/api/orders`, { method: "POST", headers, body: JSON.stringify(body) });
  const json = await res.json().catch(() => null);
  return { status: res.status, json };
}

/** Moves an order on through the API (staff), from the version it has now. */
export async function advanceOrder(server, token, id, status) {
  const current = await api(server, "GET", `/api/orders/${id}`, { token });
  return api(server, "POST", `/api/orders/${id}/status`, {
    token, body: { status, version: current.json.version },
  });
}

/** Marks the page's current document; `reloaded(page)` says whether it was replaced since. */
export async function markPage(page) {
  await page.evaluate(() => { window.__e2eMark = true; });
}
export async function reloaded(page) {
  return !(await page.evaluate(() => window.__e2eMark === true));
}

/** A new browser profile with one page; `errors` collects uncaught errors and panics. */
export async function profile(browser, viewport) {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (/panicked/.test(m.text())) errors.push(m.text()); });
  return { context, page, errors };
}

export const menuItem = (page, name) => page.locator(`[data-testid=menu-item][data-item-name="${name}"]`);
export const card = (page, id) => page.locator(`[data-testid=order-card][data-order-id="${id}"]`);
export const liveState = (page) => page.getByTestId("live-status").getAttribute("data-state");
export const untilLive = (page, what = "the live stream") =>
  until(async () => (await liveState(page)) === "live", `${what} to be live`, 20_000);
/** Keeps the page's live stream from connecting without touching the server:
 *  every ticket request gets a 503, so the app keeps retrying quietly. */
export const cutLiveStream = (context) => context.route(/\/api\/events\/ticket$/, (route) => route.fulfill({
  status: 503, contentType: "application/json",
  body: JSON.stringify({ error: "unavailable", message: "Cut by the test." }),
}));

/** A guest opening a table's link (as on its QR code) signed out, on
 *  `viewport`: the login page, then back to the menu for that table, live
 *  (unless `cut`: then its live stream never opens). */
export async function guestAtTable(browser, server, table, email, viewport, { cut = false } = {}) {
  const guest = await profile(browser, viewport);
  const { page } = guest;
  if (cut) await cutLiveStream(guest.context);
  await page.goto(`${server.url}/?table=${table}`);
  await until(async () => pathOf(page) === "/login", "the login page");
  await page.locator("button[type=submit]:not([disabled])").waitFor();
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
  await until(async () => pathOf(page) === "/", "the menu after signing in");
  await page.locator("[data-testid=menu-item]").first().waitFor();
  if (!cut) await untilLive(page, "the guest's menu");
  return guest;
}

/** The bartender's queue on `viewport`, loaded and live. */
export async function barScreen(browser, server, viewport) {
  const bar = await profile(browser, viewport);
  await login(bar.page, server, "bartender", DEMO.bartender);
  await bar.page.getByTestId("board").waitFor();
  await untilLive(bar.page, "the bartender's queue");
  return bar;
}
