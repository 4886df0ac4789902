// Refresh in the browser, with the server's access tokens living five
// minutes and ten seconds: ten seconds after sign-in a token is due for
// renewal (under five minutes left), so the app must renew it by itself.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { APPS, api, login, newCustomer, pathOf, startBrowser, startServer, storage, until } from "../harness.mjs";

let server;
let browser;
before(async () => {
  server = await startServer({ accessTtl: "310s" });
  browser = await startBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

const KEY = APPS.customer.keys[0];

describe("refresh", () => {
  it("an open app renews its token by itself, and no request fails", async () => {
    const email = await newCustomer(server);
    const context = await browser.newContext();
    const page = await context.newPage();
    const failures = [];
    page.on("response", (res) => { if (res.status() >= 400) failures.push(`${res.status()} ${res.url()}`); });
    await login(page, server, "customer", email);
    const first = (await storage(page))[KEY];
    await until(async () => (await storage(page))[KEY] !== first, "the stored access token to change", 30_000);
    assert.deepEqual(failures, []);
    const token = (await storage(page))[KEY];
    const me = await api(server, "GET", "/api/auth/me", { token });
    assert.equal(me.status, 200);
    await context.close();
  });

  it("two tabs acting at once with a token due for renewal cause exactly one refresh", async (t) => {
    // Three profiles at once, each with two tabs: three chances per run for
    // one tab to miss the other's renewal (tabs read their own copy of
    // localStorage, which trails the lock between them).
    const before = server.refreshCount();
    const handoffs = [];
    const watch = (page) => page.on("console", (msg) => {
      if (msg.text().startsWith("session: ")) handoffs.push(msg.text());
    });
    const profiles = await Promise.all([0, 1, 2].map(async () => {
      const email = await newCustomer(server);
      const context = await browser.newContext();
      const one = await context.newPage();
      watch(one);
      await login(one, server, "customer", email);
      const two = await context.newPage();
      watch(two);
      await two.goto(`${server.url}/`);
      await two.getByTestId("welcome").waitFor();
      return { context, one, two, token: (await storage(one))[KEY] };
    }));
    // Wait until every token is inside the renewal margin, then act in both
    // tabs at once. The tabs' own timers race the clicks for the renewal;
    // whoever wins, each profile must renew exactly once.
    const exp = Math.max(...profiles.map(({ token }) =>
      JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).exp));
    const dueInMs = (exp - 299) * 1000 - Date.now();
    await new Promise((r) => setTimeout(r, Math.max(0, dueInMs)));
    await Promise.all(profiles.flatMap(({ one, two }) => [
      one.getByRole("link", { name: "Devices" }).click(),
      two.getByRole("link", { name: "Devices" }).click(),
    ]));
    await Promise.all(profiles.flatMap(({ one, two }) =>
      [one.getByTestId("device-count").waitFor(), two.getByTestId("device-count").waitFor()]));
    for (const { one, two, token } of profiles) {
      assert.notEqual((await storage(two))[KEY], token, "the token was renewed");
      await until(async () => (await storage(one))[KEY] === (await storage(two))[KEY], "both tabs to hold the renewed token");
      assert.equal(pathOf(one), "/devices");
      assert.equal(pathOf(two), "/devices");
    }
    // How often a tab had to wait for the other's renewal to reach it.
    for (const line of handoffs) t.diagnostic(line);
    // Each profile renewed, so exactly one refresh each.
    assert.equal(server.refreshCount() - before, profiles.length, "refreshes the server answered");
    await Promise.all(profiles.map(({ context }) => context.close()));
  });
});
