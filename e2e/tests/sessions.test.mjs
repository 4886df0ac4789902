// The session checklist on all three apps, in headless Chromium against the
// real release server: sign-in and storage keys, devices, sign-out, revoked
// sessions, several devices, other tabs, wrong roles, errors, offline.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APPS, COOKIE_MODE, DEMO, PASSWORD, SITE_ROOT, api, apiLogin, login, markPage, newCustomer, newRelease, openLogin, pathOf, reloaded,
  startBrowser, startServer, storage, until,
} from "../harness.mjs";

let server;
let browser;
before(async () => {
  server = await startServer();
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

/** An account each app serves: a fresh customer, or the demo staff. */
async function accountFor(app) {
  return app === "customer" ? newCustomer(server) : DEMO[app];
}

/** Goes to Devices if the page still offers it (a page whose session
 *  ended may already have left for the login page by itself). */
async function nextAction(page) {
  const devices = page.getByRole("link", { name: "Devices" });
  if (await devices.isVisible().catch(() => false)) {
    await devices.click({ timeout: 2_000 }).catch(() => {});
  }
}

/** A new browser profile with one page. */
async function profile() {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page };
}

const appKeys = (app) => [...APPS[app].keys].sort();
const storedKeys = async (page) => Object.keys(await storage(page)).sort();

for (const app of Object.keys(APPS)) {
  describe(`the ${app} app`, () => {
    it("hydrates without a warning or error in the console", async () => {
      const { context, page } = await profile();
      const messages = [];
      page.on("console", (m) => { if (["warning", "error"].includes(m.type())) messages.push(m.text()); });
      page.on("pageerror", (e) => messages.push(e.message));
      await login(page, server, app, await accountFor(app));
      await page.getByRole("link", { name: "Devices" }).click();
      await page.getByTestId("device-count").waitFor();
      await page.reload();
      await page.getByTestId("welcome").or(page.getByTestId("device-count")).waitFor();
      assert.deepEqual(messages, []);
      await context.close();
    });

    it("signs in, keeps exactly its keys, and shows the session on Devices and in the API", async () => {
      const { context, page } = await profile();
      await login(page, server, app, await accountFor(app));
      assert.deepEqual(await storedKeys(page), appKeys(app));
      // In cookie mode the refresh token is an HttpOnly cookie of this app,
      // sent to the auth routes only, and out of every script's reach.
      const cookies = await context.cookies();
      if (COOKIE_MODE) {
        assert.equal(cookies.length, 1, JSON.stringify(cookies.map((c) => c.name)));
        const [cookie] = cookies;
        assert.equal(cookie.name, APPS[app].cookie);
        assert.equal(cookie.httpOnly, true);
        assert.equal(cookie.sameSite, "Strict");
        assert.equal(cookie.path, "/api/auth");
        assert.equal(await page.evaluate(() => document.cookie), "");
      } else {
        assert.deepEqual(cookies, []);
      }
      await page.getByRole("link", { name: "Devices" }).click();
      const current = page.locator("[data-testid=device].current");
      await current.waitFor();
      assert.match(await current.innerText(), /This device/);
      const sessionId = await current.getAttribute("data-session-id");
      const token = (await storage(page))[APPS[app].keys[0]];
      const listed = await api(server, "GET", "/api/auth/sessions", { token });
      assert.equal(listed.status, 200);
      const mine = listed.json.sessions.find((s) => s.id === sessionId);
      assert.ok(mine, "the page's session is in the API's list");
      assert.equal(mine.client_app, app);
      assert.equal(mine.is_current, true);
      await context.close();
    });

    it("signs out: keys cleared, session ended on the server, back on the login page", async () => {
      const { context, page } = await profile();
      await login(page, server, app, await accountFor(app));
      const token = (await storage(page))[APPS[app].keys[0]];
      await page.getByRole("button", { name: "Sign out" }).click();
      await until(async () => pathOf(page) === `${APPS[app].base}/login`, "the login page");
      assert.deepEqual(await storedKeys(page), []);
      assert.equal((await api(server, "GET", "/api/auth/me", { token })).status, 401);
      await context.close();
    });

    it("an address the app does not have says so; signed in, the header keeps its pages", async () => {
      const { context, page } = await profile();
      const missing = `${server.url}${APPS[app].base}/no-such-page`;
      await page.goto(missing);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
      assert.equal(pathOf(page), `${APPS[app].base}/no-such-page`, "nobody is sent to sign in for it");
      await login(page, server, app, await accountFor(app));
      await page.goto(missing);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
      await page.getByRole("link", { name: "Devices" }).click();
      await page.getByTestId("device-count").waitFor();
      await context.close();
    });

    it("a session revoked from another device lands on login at its next action, keys cleared", async () => {
      const email = await accountFor(app);
      const first = await profile();
      await login(first.page, server, app, email);
      const firstToken = (await storage(first.page))[APPS[app].keys[0]];
      const firstSession = (await api(server, "GET", "/api/auth/sessions", { token: firstToken })).json.sessions
        .find((s) => s.is_current).id;

      const second = await profile();
      await login(second.page, server, app, email);
      await second.page.getByRole("link", { name: "Devices" }).click();
      const card = second.page.locator(`[data-session-id="${firstSession}"]`);
      await card.getByRole("button", { name: "Sign out" }).click();
      await card.waitFor({ state: "detached" });

      // Its live stream ends at once and takes it to the login page; a page
      // without a stream gets there at its next action.
      await nextAction(first.page);
      await until(async () => pathOf(first.page) === `${APPS[app].base}/login`, "the login page");
      assert.deepEqual(await storedKeys(first.page), []);
      assert.match(await first.page.locator(".notice").innerText(), /session has ended/);
      await first.context.close();
      await second.context.close();
    });
  });
}

describe("several devices", () => {
  it("two profiles of one user both show on Devices, each marking itself; sign out everywhere ends both", async () => {
    const email = await newCustomer(server);
    const a = await profile();
    const b = await profile();
    await login(a.page, server, "customer", email);
    await login(b.page, server, "customer", email);
    const currentOn = async (page) => {
      await page.getByRole("link", { name: "Devices" }).click();
      await page.getByTestId("device-count").waitFor();
      assert.equal(await page.getByTestId("device-count").innerText(), "2 active sessions");
      assert.equal(await page.locator("[data-testid=device].current").count(), 1);
      return page.locator("[data-testid=device].current").getAttribute("data-session-id");
    };
    const [onA, onB] = [await currentOn(a.page), await currentOn(b.page)];
    assert.notEqual(onA, onB);

    await b.page.getByRole("button", { name: "Sign out everywhere…" }).click();
    await b.page.getByRole("button", { name: "Yes, sign out everywhere" }).click();
    await until(async () => pathOf(b.page) === "/login", "the login page in the profile that signed out");
    assert.deepEqual(await storedKeys(b.page), []);

    // The other profile's live stream takes it to the login page at once.
    await nextAction(a.page);
    await until(async () => pathOf(a.page) === "/login", "the login page in the other profile");
    assert.deepEqual(await storedKeys(a.page), []);
    await a.context.close();
    await b.context.close();
  });
});

describe("tabs", () => {
  it("a sign-out or sign-in in one tab reaches the other tabs of the app", async () => {
    const email = await newCustomer(server);
    const { context, page } = await profile();
    await login(page, server, "customer", email);
    const other = await context.newPage();
    await other.goto(`${server.url}/devices`);
    await other.getByTestId("device-count").waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    await until(async () => pathOf(other) === "/login", "the other tab on the login page");

    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.getByTestId("welcome").waitFor();
    await until(async () => pathOf(other) === "/devices", "the other tab back where it was");
    await context.close();
  });
});

describe("roles", () => {
  const refusals = [
    ["customer", "bartender", /Bartender accounts cannot use the customer app/],
    ["bartender", "customer", /Customer accounts cannot use the bartender app/],
    ["admin", "bartender", /Bartender accounts cannot use the admin app/],
    ["admin", "customer", /Customer accounts cannot use the admin app/],
  ];
  for (const [app, role, message] of refusals) {
    it(`the ${app} app refuses a ${role} and keeps nothing`, async () => {
      const { context, page } = await profile();
      await openLogin(page, server, app);
      await page.fill("#email", DEMO[role]);
      await page.fill("#password", PASSWORD);
      await page.click("button[type=submit]");
      const error = page.getByTestId("form-error");
      await error.waitFor();
      assert.match(await error.innerText(), message);
      assert.deepEqual(await storedKeys(page), []);
      await context.close();
    });
  }

  it("an admin may use the bartender app", async () => {
    const { context, page } = await profile();
    await login(page, server, "bartender", DEMO.admin);
    assert.deepEqual(await storedKeys(page), appKeys("bartender"));
    await context.close();
  });
});

describe("forms", () => {
  it("a wrong password says so, and repeated failures say how long to wait", async () => {
    const email = await newCustomer(server);
    const { context, page } = await profile();
    await openLogin(page, server, "customer");
    await page.fill("#email", email);
    const error = page.getByTestId("form-error");
    await page.fill("#password", "not-the-password");
    await page.click("button[type=submit]");
    await until(async () => /password is wrong/i.test(await error.innerText().catch(() => "")), "the wrong-password message");
    for (let i = 0; i < 6; i++) {
      await page.click("button[type=submit]");
      await page.locator("button[type=submit]:not([disabled])").waitFor();
    }
    await until(async () => /\d+ seconds?/.test(await error.innerText()), "a message with the wait time");
    await context.close();
  });

  it("sign-up checks the form first, then creates the account and signs in", async () => {
    const { context, page } = await profile();
    await page.goto(`${server.url}/signup`);
    await page.locator("button[type=submit]:not([disabled])").waitFor();
    await page.fill("#name", "Nell");
    await page.fill("#email", `nell${Date.now()}@e2e.test`);
    await page.fill("#password", "a-long-password");
    await page.fill("#confirm", "another-password");
    await page.click("button[type=submit]");
    assert.match(await page.getByTestId("form-error").innerText(), /do not match/);
    await page.fill("#confirm", "a-long-password");
    await page.click("button[type=submit]");
    await page.getByTestId("welcome").waitFor();
    assert.match(await page.getByTestId("welcome").innerText(), /Nell/);
    assert.deepEqual(await storedKeys(page), appKeys("customer"));
    await context.close();
  });

  it("changing the password keeps this device and signs the others out", async () => {
    const email = await newCustomer(server);
    const a = await profile();
    const b = await profile();
    await login(a.page, server, "customer", email);
    await login(b.page, server, "customer", email);
    await a.page.getByRole("link", { name: "Password" }).click();
    await a.page.fill("#current", PASSWORD);
    await a.page.fill("#new", "a-brand-new-password");
    await a.page.fill("#confirm", "a-brand-new-password");
    await a.page.getByRole("button", { name: "Change password" }).click();
    await a.page.locator(".success").waitFor();
    assert.match(await a.page.locator(".success").innerText(), /1 other session was signed out/);
    await nextAction(b.page);
    await until(async () => pathOf(b.page) === "/login", "the other device on the login page");
    await a.page.getByRole("link", { name: "Devices" }).click();
    await a.page.getByTestId("device-count").waitFor();
    await a.context.close();
    await b.context.close();
  });

  it("a signed-out visit to a page goes through login and back to that page", async () => {
    const email = await newCustomer(server);
    const { context, page } = await profile();
    await page.goto(`${server.url}/devices`);
    await until(async () => pathOf(page) === "/login", "the login page");
    await page.locator("button[type=submit]:not([disabled])").waitFor();
    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await until(async () => pathOf(page) === "/devices", "the devices page");
    await context.close();
  });

  it("a next address that could leave the site is refused: sign-in goes home instead", async () => {
    // Browsers drop tabs and newlines from URLs and read a backslash as a
    // slash, so each of these would otherwise become //evil.test.
    for (const next of ["/%09/evil.test", "/\\evil.test", "/%0A/evil.test", "/%0D%0A/evil.test"]) {
      const email = await newCustomer(server);
      const { context, page } = await profile();
      const strayed = [];
      context.on("request", (request) => {
        if (!request.url().startsWith(server.url)) strayed.push(request.url());
      });
      await page.goto(`${server.url}/login?next=${next}`);
      await page.locator("button[type=submit]:not([disabled])").waitFor();
      await page.fill("#email", email);
      await page.fill("#password", PASSWORD);
      await page.click("button[type=submit]");
      await until(
        async () => page.url().startsWith(server.url) && pathOf(page) === "/",
        `the home page after ?next=${next} (at ${page.url()})`,
      );
      // Settled there, and nothing was ever asked of another host.
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(pathOf(page), "/", next);
      assert.ok(page.url().startsWith(server.url), `${next} left the site: ${page.url()}`);
      assert.deepEqual(strayed, [], next);
      await context.close();
    }
  });
});

describe("network trouble", () => {
  /** A new profile whose `panics` collects every panic (a panic stops the
   *  app). The chunk loader's script leaves each failed fetch as an
   *  unhandled "Failed to fetch": not ours to catch. */
  async function watchedProfile() {
    const { context, page } = await profile();
    const panics = [];
    page.on("pageerror", (e) => { if (e.message !== "Failed to fetch") panics.push(e.message); });
    page.on("console", (m) => { if (/panicked/.test(m.text())) panics.push(m.text()); });
    return { context, page, panics };
  }

  /** Makes every fetch of the chunk `name` fail until `release()`; `tries()`
   *  counts them (a route also keeps the browser's cache out of it). */
  async function blockChunk(page, name) {
    let tries = 0;
    const url = new RegExp(`/${name}\\.wasm$`);
    await page.route(url, (route) => { tries += 1; return route.abort(); });
    return { tries: () => tries, release: () => page.unroute(url) };
  }

  it("offline shows a retrying banner and signs nobody out; back online it clears", async () => {
    const email = await newCustomer(server);
    const { context, page } = await profile();
    await login(page, server, "customer", email);
    await context.setOffline(true);
    await page.getByRole("link", { name: "Devices" }).click();
    await page.getByTestId("offline").waitFor();
    assert.deepEqual(await storedKeys(page), appKeys("customer"));
    await context.setOffline(false);
    await page.getByTestId("offline").waitFor({ state: "detached", timeout: 15_000 });
    assert.equal(pathOf(page), "/devices");
    await context.close();
  });

  it("a page whose chunk cannot arrive offline says so, keeps the app alive and opens once back", async () => {
    const { context, page, panics } = await watchedProfile();
    await login(page, server, "admin", DEMO.admin);
    await context.setOffline(true);
    // The menu editor's chunk has not been fetched: the dashboard needs
    // another. Its link still leads there, and says why nothing shows.
    await page.getByRole("link", { name: "Menu", exact: true }).click();
    await page.getByTestId("page-not-loaded").waitFor();
    await page.getByTestId("offline").waitFor();
    assert.equal(pathOf(page), "/admin/menu");
    // The app is still alive: another page is reached, and says the same.
    await page.getByRole("link", { name: "Devices" }).click();
    await until(async () => pathOf(page) === "/admin/devices", "the Devices address");
    await page.getByTestId("page-not-loaded").waitFor();
    await context.setOffline(false);
    // Back online, the page opens by itself.
    await page.getByTestId("device-count").waitFor({ timeout: 15_000 });
    assert.equal(pathOf(page), "/admin/devices");
    assert.deepEqual(panics, []);
    await context.close();
  });

  it("while the server answers but a page's chunk does not arrive, the page waits for the chunk, not a reload", async () => {
    const { context, page, panics } = await watchedProfile();
    await login(page, server, "admin", DEMO.admin);
    // The menu editor's own chunk fails, as in a broken deploy or a drop
    // that ends just before the server's next answer.
    const chunk = await blockChunk(page, "split_menu_editor");
    await markPage(page);
    await page.getByRole("link", { name: "Menu", exact: true }).click();
    await page.getByTestId("page-not-loaded").waitFor();
    // The server answers the app's probe every few seconds; each answer
    // tries the chunk again, and the page is not reloaded while it fails.
    const first = chunk.tries();
    await until(async () => chunk.tries() >= first + 2, "two more tries of the chunk", 20_000);
    assert.equal(await reloaded(page), false, "no reload while the chunk cannot arrive");
    await page.getByTestId("page-not-loaded").waitFor();
    // The chunk arrives: the address is loaded again, and the page opens.
    await chunk.release();
    await page.getByTestId("editor-item").first().waitFor({ timeout: 15_000 });
    assert.equal(pathOf(page), "/admin/menu");
    assert.deepEqual(panics, []);
    await context.close();
  });

  it("a page whose chunk does not arrive as the app first loads waits for it, and opens once it comes", async () => {
    const { context, page, panics } = await watchedProfile();
    await login(page, server, "customer", await newCustomer(server));
    // The connection drops between the page and its chunk.
    const chunk = await blockChunk(page, "split_menu");
    await page.goto(`${server.url}/?table=7`);
    // Nothing but the page matches the server's HTML: the app keeps trying
    // the chunk rather than give up (or stop on a hydration panic).
    await until(async () => chunk.tries() >= 3, "the chunk tried again", 20_000);
    assert.equal(await page.getByTestId("page-not-loaded").count(), 0);
    await chunk.release();
    await page.getByTestId("menu-item").first().waitFor({ timeout: 15_000 });
    assert.deepEqual(panics, []);
    await context.close();
  });

  it("after a new release, a page whose chunk is of the last one loads the new release", async () => {
    // A server of its own, restarted with the apps of another release: the
    // same database and secret, so everyone stays signed in.
    const deployed = await startServer();
    const release = newRelease();
    try {
      const { context, page, panics } = await watchedProfile();
      await login(page, deployed, "admin", DEMO.admin);
      await markPage(page);
      await deployed.restart(undefined, { siteRoot: release.root });
      // The menu editor's chunk of the last release is gone: its address is
      // loaded again, with the new release, and the page opens.
      await page.getByRole("link", { name: "Menu", exact: true }).click();
      await page.getByTestId("editor-item").first().waitFor({ timeout: 15_000 });
      assert.equal(pathOf(page), "/admin/menu");
      assert.equal(await reloaded(page), true, "the page of the new release");
      assert.equal(await page.getByTestId("page-not-loaded").count(), 0);

      // The same as the app first loads: the guest's page comes from one
      // release, and its chunk is asked for once the next one is serving.
      await login(page, deployed, "customer", await newCustomer(deployed));
      const chunk = await blockChunk(page, "split_menu");
      await page.goto(`${deployed.url}/?table=7`);
      // The first try is the page's preload link; the second, the app's
      // own, once its code has arrived and runs.
      await until(async () => chunk.tries() >= 2, "the app asking for the chunk");
      await deployed.restart(undefined, { siteRoot: SITE_ROOT });
      await chunk.release();
      await page.getByTestId("menu-item").first().waitFor({ timeout: 15_000 });
      assert.deepEqual(panics, []);
      await context.close();
    } finally {
      await deployed.stop();
      release.remove();
    }
  });
});

describe("the admin's sessions console", () => {
  it("marks this device, asks before ending it, and finds a person by name or e-mail", async () => {
    const email = await newCustomer(server);
    await apiLogin(server, email, "customer");
    const { context, page } = await profile();
    await login(page, server, "admin", DEMO.admin);
    const token = (await storage(page))[APPS.admin.keys[0]];
    await page.getByRole("link", { name: "Sessions", exact: true }).click();

    // Exactly one row is this device, and it says so.
    const own = page.locator("[data-testid=admin-session][data-current=true]");
    await own.waitFor();
    assert.equal(await own.count(), 1);
    assert.match(await own.innerText(), /This device/);
    // Ending it asks first; "No" leaves everything as it was.
    await own.getByTestId("revoke").click();
    await own.getByTestId("confirm-own-session").waitFor();
    assert.match(await own.innerText(), /your own session/);
    await own.getByTestId("cancel-end-own").click();
    await own.getByTestId("revoke").waitFor();
    assert.equal((await api(server, "GET", "/api/auth/me", { token })).status, 200, "still signed in");

    // The user filter searches: part of the e-mail offers the guest.
    await page.fill("[data-testid=filter-user]", email.split("@")[0]);
    await page.getByRole("button", { name: new RegExp(email.replace(/[.]/g, "\\.")) }).click();
    await page.getByTestId("filter-user-chosen").waitFor();
    const rows = page.locator("[data-testid=admin-session]");
    await until(async () => {
      const texts = await rows.evaluateAll((trs) => trs.map((tr) => tr.innerText));
      return texts.length >= 1 && texts.every((t) => t.includes(email));
    }, "only the guest's sessions");
    // A name that matches nobody says so.
    await page.getByRole("button", { name: "Any user" }).click();
    await page.fill("[data-testid=filter-user]", "zz-nobody-by-this-name");
    await page.getByText("Nobody matches.").waitFor();

    // Confirmed, ending this device signs the admin out.
    await page.fill("[data-testid=filter-user]", "");
    await own.waitFor();
    await own.getByTestId("revoke").click();
    await own.getByTestId("confirm-end-own").click();
    await until(async () => pathOf(page) === "/admin/login", "the admin's login page");
    assert.equal((await api(server, "GET", "/api/auth/me", { token })).status, 401);
    await context.close();
  });
});
