// Starts the real release server on a random port with a fresh database
// (a temporary SQLite file, or a new PostgreSQL database when
// TAPROOM_E2E_PG_ADMIN names an admin URL), and headless Chromium with a
// fresh profile per browser context.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "..");
const SERVER = process.env.TAPROOM_E2E_SERVER ?? join(ROOT, "target/release/taproom-server");
const SITE_ROOT = process.env.TAPROOM_E2E_SITE_ROOT ?? join(ROOT, "target/site");
const CHROMIUM = process.env.TAPROOM_E2E_CHROMIUM ?? "/usr/bin/chromium";
export const PASSWORD = "taproom-demo";
export const DEMO = {
  admin: "admin@taproom.test",
  bartender: "bartender@taproom.test",
  customer: "customer@taproom.test",
};
export const APPS = {
  customer: { base: "", keys: ["access_token", "refresh_token", "user"] },
  bartender: { base: "/bartender", keys: ["bartender_token", "bartender_refresh_token", "bartender"] },
  admin: { base: "/admin", keys: ["admin_token", "admin_refresh_token", "admin_user"] },
};

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
  const args = [
    "serve", "--demo",
    "--bind", "127.0.0.1:0",
    "--database-url", databaseUrl,
    "--site-root", SITE_ROOT,
    "--access-ttl", accessTtl,
    // Many sign-ins from one address in a few minutes; the per-account
    // limit stays as shipped (one test checks its message).
    "--login-rate-ip", "1000/1m",
    ...extraArgs,
  ];
  const child = spawn(SERVER, args, {
    env: { ...process.env, TAPROOM_JWT_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e-secret", RUST_LOG: "info,sqlx=warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const server = { log: "", url: null, child, databaseUrl };
  const collect = (chunk) => { server.log += stripAnsi(chunk.toString()); };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  server.url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${server.log}`)), 60_000);
    const look = () => {
      const found = server.log.match(/Taproom is listening on (http:\/\/[0-9.:]+)/);
      if (found) { clearTimeout(timer); ok(found[1]); }
    };
    child.stdout.on("data", look);
    child.on("exit", (code) => { clearTimeout(timer); fail(new Error(`server exited (${code}):\n${server.log}`)); });
  });
  server.stop = async () => {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
    await new Promise((ok) => child.exitCode !== null ? ok() : child.once("exit", ok));
    dropDatabase();
    rmSync(dir, { recursive: true, force: true });
  };
  /** How many refreshes the server has answered so far. */
  server.refreshCount = () =>
    server.log.split("\n").filter((line) => line.includes("route=/api/auth/refresh") && line.includes("response")).length;
  return server;
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
