// What a returning visitor downloads: each app's bundle, wasm and
// stylesheet live under a path named by their contents, sent precompressed
// and kept by the browser for good, so a second visit fetches the page and
// nothing else.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { APPS, startBrowser, startServer } from "../harness.mjs";

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

/** Opens `path` in a new page of `context`, waits until the app is live
 *  (the login form's button is enabled only once it has hydrated) and
 *  answers every request the page made, as Chromium's network layer saw it. */
async function visit(context, path) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const requests = new Map();
  cdp.on("Network.requestWillBeSent", (e) => {
    requests.set(e.requestId, { url: new URL(e.request.url).pathname, cached: false });
  });
  cdp.on("Network.requestServedFromCache", (e) => {
    const request = requests.get(e.requestId);
    if (request) request.cached = true;
  });
  cdp.on("Network.responseReceived", (e) => {
    const request = requests.get(e.requestId);
    if (!request) return;
    request.status = e.response.status;
    request.headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    request.cached = request.cached || Boolean(e.response.fromDiskCache || e.response.fromMemoryCache);
  });
  await page.goto(`${server.url}${path}`);
  await page.locator("button[type=submit]:not([disabled])").waitFor();
  await page.close();
  return [...requests.values()];
}

describe("static files", () => {
  const folders = new Set();
  for (const app of Object.keys(APPS)) {
    it(`${app}: the second visit downloads only the page`, async () => {
      const context = await browser.newContext();
      try {
        const path = `${APPS[app].base}/login`;
        const first = await visit(context, path);
        const assets = first.filter((r) => r.url.startsWith("/pkg/"));
        assert.deepEqual(
          assets.map((r) => r.url.split("/").pop()).sort(),
          [`app-${app}.css`, `app-${app}.js`, `app-${app}.wasm`],
          `the first visit fetches the app's three files: ${JSON.stringify(first.map((r) => r.url))}`,
        );
        const folder = assets[0].url.split("/").slice(0, 3).join("/");
        assert.match(folder, /^\/pkg\/[0-9a-f]{16}$/, "a folder named by the contents");
        assert.ok(assets.every((r) => r.url.startsWith(`${folder}/`)), "all three in one folder");
        folders.add(folder);
        for (const r of assets) {
          assert.equal(r.status, 200, r.url);
          assert.equal(r.cached, false, `${r.url} came from the network the first time`);
          assert.equal(r.headers["cache-control"], "public, max-age=31536000, immutable", r.url);
        }
        const js = assets.find((r) => r.url.endsWith(".js"));
        const wasm = assets.find((r) => r.url.endsWith(".wasm"));
        assert.match(js.headers["content-type"], /^text\/javascript/);
        assert.equal(wasm.headers["content-type"], "application/wasm");
        for (const r of [js, wasm]) {
          assert.ok(["br", "gzip"].includes(r.headers["content-encoding"]), `${r.url} is sent precompressed`);
        }

        const second = await visit(context, path);
        const page = second.find((r) => r.url === path);
        assert.ok(page && !page.cached, "the page itself is fetched again");
        const again = second.filter((r) => r.url.startsWith("/pkg/"));
        assert.equal(again.length, 3, JSON.stringify(second));
        for (const r of again) {
          assert.ok(r.cached, `${r.url} came from the browser's cache, not the server`);
          assert.ok(r.url.startsWith(`${folder}/`), "the same files");
        }
      } finally {
        await context.close();
      }
    });
  }

  it("each app has a folder of its own", () => {
    assert.equal(folders.size, Object.keys(APPS).length);
  });
});
