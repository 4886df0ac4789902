// Sessions beyond the seed, in the browser: refresh cookies that no other
// site can use, the password asked again before sensitive actions, the
// Activity page, and the alert when someone signs in from a new device.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import {
  APPS, COOKIE_MODE, DEMO, PASSWORD, api, apiLogin, goTo, login, newCustomer, pathOf, startBrowser, startServer, storage, until,
} from "../harness.mjs";

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let server;
let browser;
before(async () => {
  // A short window, so the tests can outlive a proof of the password.
  server = await startServer({ extraArgs: ["--reauth-window", "3s"] });
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

describe("the refresh cookie", { skip: !COOKIE_MODE && "cookie mode only" }, () => {
  it("a page on another local origin can neither refresh nor sign out with it", async () => {
    const email = await newCustomer(server);
    const context = await browser.newContext();
    const page = await context.newPage();
    await login(page, server, "customer", email);
    const cookieBefore = (await context.cookies()).find((c) => c.name === APPS.customer.cookie);
    assert.ok(cookieBefore, "signed in with a cookie");
    // Another origin on the same host: "same site" to SameSite=Strict, so
    // the browser does send the cookie; the server must refuse it.
    const target = server.url;
    const attack = createServer((req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><body>
        <iframe name="sink"></iframe>
        <form id="f1" method="post" action="${target}/api/auth/refresh" target="sink"></form>
        <form id="f2" method="post" action="${target}/api/auth/logout" target="sink"></form>
        <script>
          window.results = [];
          const post = (path, init) => fetch("${target}" + path, { method: "POST", credentials: "include", ...init })
            .then((r) => window.results.push(path + " " + r.type + " " + r.status))
            .catch((e) => window.results.push(path + " blocked"));
          document.getElementById("f1").submit();
          setTimeout(() => document.getElementById("f2").submit(), 300);
          Promise.all([
            post("/api/auth/refresh", { headers: { "x-taproom-app": "customer" } }),
            post("/api/auth/logout", { headers: { "x-taproom-app": "customer" } }),
            post("/api/auth/refresh", { mode: "no-cors", body: "" }),
            post("/api/auth/logout", { mode: "no-cors", body: "" }),
          ]).then(() => { window.done = true; });
        </script></body>`);
    });
    await new Promise((ok) => attack.listen(0, "127.0.0.1", ok));
    const evil = await context.newPage();
    const refreshesBefore = server.refreshCount();
    await evil.goto(`http://127.0.0.1:${attack.address().port}/`);
    await until(() => evil.evaluate(() => window.done === true), "the attack page to finish");
    await wait(800);
    const results = await evil.evaluate(() => window.results);
    attack.close();
    // The custom header makes the fetches need a preflight, which is never granted.
    assert.ok(results.includes("/api/auth/refresh blocked"), results.join(", "));
    assert.ok(results.includes("/api/auth/logout blocked"), results.join(", "));
    // Whatever reached the server was refused: nothing rotated, nothing ended.
    // (A refresh that went through would have rotated the cookie; a logout, cleared it.)
    const cookieAfter = (await context.cookies()).find((c) => c.name === APPS.customer.cookie);
    assert.equal(cookieAfter?.value, cookieBefore.value, "the cookie was not rotated or cleared");
    assert.ok(server.refreshCount() > refreshesBefore, "the form posts did reach the server");
    const token = (await storage(page))[APPS.customer.keys[0]];
    const sessions = await api(server, "GET", "/api/auth/sessions", { token });
    assert.equal(sessions.status, 200, "still signed in");
    // And the app itself still refreshes with it.
    const refreshed = await page.evaluate(async () => {
      const r = await fetch("/api/auth/refresh", { method: "POST", headers: { "x-taproom-app": "customer" } });
      return r.status;
    });
    assert.equal(refreshed, 200);
    await context.close();
  });
});

describe("confirming the password", () => {
  /** A new guest, signed in for longer than the window, asks to sign out
   *  everywhere on Devices: the password dialog is open. */
  async function askedForThePassword(options) {
    const email = await newCustomer(server);
    const context = await browser.newContext(options);
    const page = await context.newPage();
    await login(page, server, "customer", email);
    await goTo(page, "Devices");
    await page.getByTestId("device-count").waitFor();
    await wait(3_500);
    await page.getByRole("button", { name: "Sign out everywhere…" }).click();
    await page.getByRole("button", { name: "Yes, sign out everywhere" }).click();
    const dialog = page.getByTestId("reauth-dialog");
    await dialog.waitFor();
    return { email, context, page, dialog };
  }

  it("signing out everywhere asks for it after a while; a wrong one says so", async () => {
    const { context, page, dialog } = await askedForThePassword(PHONE);
    await page.fill("#reauth-password", "not my password");
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await until(async () => /wrong/i.test(await page.getByTestId("reauth-error").innerText().catch(() => "")), "the wrong-password message");
    await page.fill("#reauth-password", PASSWORD);
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await until(async () => pathOf(page) === "/login", "the login page after signing out everywhere");
    assert.match(await page.locator(".notice").innerText(), /every device/);
    await context.close();
  });

  it("cancelling leaves everything as it was", async () => {
    const { context, page, dialog } = await askedForThePassword();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByText("your password was not confirmed").waitFor();
    assert.equal(pathOf(page), "/devices");
    const token = (await storage(page))[APPS.customer.keys[0]];
    assert.equal((await api(server, "GET", "/api/auth/me", { token })).status, 200);
    await context.close();
  });

  it("a session ended elsewhere while the dialog is open closes it, and the sign-in page is free to use", async () => {
    const { email, context, page, dialog } = await askedForThePassword(PHONE);
    // Another device of the same person, just signed in (so it needs no
    // fresh proof), signs out everywhere first.
    const other = await apiLogin(server, email, "customer");
    const ended = await api(server, "POST", "/api/auth/logout-all", { token: other.access_token });
    assert.equal(ended.status, 200, JSON.stringify(ended.json));
    await until(async () => pathOf(page) === "/login", "the sign-in page once the session ended");
    await page.locator("button[type=submit]:not([disabled])", { hasText: "Sign in" }).waitFor();
    await wait(500);
    assert.equal(await dialog.count(), 0, "the password dialog is not left over the sign-in page");
    // The sign-in form answers clicks (nothing covers it) and leads back
    // to where the person was.
    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click({ timeout: 5_000 });
    await page.getByTestId("device-count").waitFor();
    assert.equal(pathOf(page), "/devices");
    await context.close();
  });

  it("an admin's deactivation asks for it, and the half-filled staff form keeps what was typed", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const victim = await newCustomer(server);
    await login(page, server, "admin", DEMO.admin);
    await page.getByRole("link", { name: "Users" }).click();
    await page.fill("#staff-name", "Half Typed");
    await page.fill("#staff-email", "half@taproom.test");
    await page.fill("[data-testid=user-search]", victim);
    const row = page.locator("[data-testid=user-row]", { hasText: victim });
    await row.waitFor();
    await wait(3_500);
    await row.getByTestId("deactivate").click();
    await row.getByTestId("confirm-deactivate").click();
    const dialog = page.getByTestId("reauth-dialog");
    await dialog.waitFor();
    await page.fill("#reauth-password", PASSWORD);
    await dialog.getByRole("button", { name: "Confirm" }).click();
    await until(async () => (await row.getByTestId("user-active").innerText()) === "No", "the user deactivated");
    assert.equal(await page.inputValue("#staff-name"), "Half Typed");
    assert.equal(await page.inputValue("#staff-email"), "half@taproom.test");
    await context.close();
  });
});

describe("activity", () => {
  it("the Activity page shows the sign-in, the device and a failed attempt, on a phone", async () => {
    const email = await newCustomer(server);
    await api(server, "POST", "/api/auth/login", { body: { email, password: "a wrong guess" } });
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await login(page, server, "customer", email);
    await goTo(page, "Activity");
    const signedIn = page.locator("[data-testid=activity][data-kind=signed_in]").first();
    await signedIn.waitFor();
    assert.match(await signedIn.innerText(), /Signed in[\s\S]*Chrome[\s\S]*customer/);
    assert.ok(await page.locator("[data-testid=activity][data-kind=sign_in_failed]").count() >= 1);
    await context.close();
  });
});

describe("a sign-in from a new device", () => {
  it("shows at once on the other browser, which signs it out with one tap; the new one lands on sign-in", async () => {
    const email = await newCustomer(server);
    const home = await browser.newContext();
    const homePage = await home.newPage();
    await login(homePage, server, "customer", email);
    await homePage.getByRole("link", { name: "Devices" }).click();
    await homePage.getByTestId("device-count").waitFor();
    const phone = await browser.newContext({ ...PHONE, userAgent: IPHONE });
    const phonePage = await phone.newPage();
    await login(phonePage, server, "customer", email);
    // The first browser shows it within two seconds of the sign-in.
    const alert = homePage.getByTestId("sign-in-alert").filter({ hasText: "Safari" });
    await alert.waitFor({ timeout: 2_000 });
    assert.match(await alert.innerText(), /New sign-in: Safari 17 on iPhone, .*from 127\.0\.0\.0\/24/);
    await alert.getByRole("button", { name: "Sign it out" }).click();
    await until(async () => /Signed out Safari 17 on iPhone/.test(await alert.innerText()), "the alert's outcome");
    await until(async () => pathOf(phonePage) === "/login", "the phone on the login page");
    const token = (await storage(homePage))[APPS.customer.keys[0]];
    assert.equal((await api(server, "GET", "/api/auth/me", { token })).status, 200, "this device stays signed in");
    await home.close();
    await phone.close();
  });
});
