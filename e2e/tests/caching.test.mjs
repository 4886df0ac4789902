// What a returning visitor downloads: each app's bundle, wasm and
// stylesheet live under a path named by their contents, sent precompressed
// and kept by the browser for good, so a second visit fetches the page and
// nothing else.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { APPS, DEMO, SITE_ROOT, login, startBrowser, startServer } from "../harness.mjs";
import { SPLIT_LOADER, chunksByPage as chunksOf } from "../../scripts/split-manifest.mjs";

/** The chunks each lazily loaded page of `app` needs, by page. */
const chunksByPage = (app) => chunksOf(join(SITE_ROOT, app, "pkg"));

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
        // Every app is split; its sign-in page is in the main bundle, with no chunks of its own.
        const login = [SPLIT_LOADER, ...(chunksByPage(app).get("login") ?? [])];
        assert.deepEqual(
          assets.map((r) => r.url.split("/").pop()).sort(),
          [`app-${app}.css`, `app-${app}.js`, `app-${app}.wasm`, ...login].sort(),
          `the first visit fetches the app's files (and the sign-in page's chunks): ${JSON.stringify(first.map((r) => r.url))}`,
        );
        const folder = assets[0].url.split("/").slice(0, 3).join("/");
        assert.match(folder, /^\/pkg\/[0-9a-f]{16}$/, "a folder named by the contents");
        assert.ok(assets.every((r) => r.url.startsWith(`${folder}/`)), "all in one folder");
        folders.add(folder);
        for (const r of assets) {
          assert.equal(r.status, 200, r.url);
          assert.equal(r.cached, false, `${r.url} came from the network the first time`);
          assert.equal(r.headers["cache-control"], "public, max-age=31536000, immutable", r.url);
        }
        for (const r of assets.filter((r) => !r.url.endsWith(".css"))) {
          const js = r.url.endsWith(".js");
          assert.match(r.headers["content-type"], js ? /^text\/javascript/ : /^application\/wasm$/, r.url);
          assert.ok(["br", "gzip"].includes(r.headers["content-encoding"]), `${r.url} is sent precompressed`);
        }

        const second = await visit(context, path);
        const page = second.find((r) => r.url === path);
        assert.ok(page && !page.cached, "the page itself is fetched again");
        const again = second.filter((r) => r.url.startsWith("/pkg/"));
        assert.equal(again.length, assets.length, JSON.stringify(second));
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

describe("pages in chunks of their own", () => {
  // Each app's landing pages: what a person opens first.
  const landings = [
    { app: "customer", page: "menu", path: "/?table=7", signedIn: true, ready: (p) => p.getByTestId("menu-item").first().waitFor() },
    { app: "customer", page: "login", path: "/login" },
    { app: "bartender", page: "queue", path: "/bartender", signedIn: true, ready: (p) => p.getByTestId("board").waitFor() },
    { app: "bartender", page: "login", path: "/bartender/login" },
    { app: "admin", page: "console", path: "/admin", signedIn: true, ready: (p) => p.getByTestId("stat-orders").waitFor() },
    { app: "admin", page: "login", path: "/admin/login" },
  ];
  for (const { app, page: name, path, signedIn, ready } of landings) {
    it(`${app} ${name}: fetches its own chunks and no other page's`, async () => {
      const pages = chunksByPage(app);
      // A page in the main bundle (the sign-in page) has none.
      const inMain = name === "login";
      const mine = pages.get(name) ?? [];
      assert.ok(pages.size > 0, `${app} is built split`);
      assert.equal(pages.has(name), !inMain, `${name} is a page of ${app} with chunks: ${[...pages.keys()]}`);
      const context = await browser.newContext();
      try {
        if (signedIn) await signIn(context, app);
        const page = await context.newPage();
        const errors = [];
        page.on("pageerror", (e) => errors.push(e.message));
        page.on("console", (m) => { if (["error", "warning"].includes(m.type())) errors.push(m.text()); });
        const fetched = new Set();
        page.on("request", (r) => fetched.add(new URL(r.url()).pathname.split("/").pop()));
        await page.goto(`${server.url}${path}`);
        await (ready ?? ((p) => p.locator("button[type=submit]:not([disabled])").waitFor()))(page);
        await page.waitForTimeout(500); // anything fetched after the page is live counts too
        const chunks = [...fetched].filter((f) => f.endsWith(".wasm") && f !== `app-${app}.wasm`);
        assert.deepEqual(chunks.sort(), [...mine].sort(), "exactly the page's own chunks");
        assert.ok(fetched.has(SPLIT_LOADER), "the chunk loader");
        for (const [other, theirs] of pages) {
          if (other === name) continue;
          const own = theirs.filter((c) => !mine.includes(c));
          assert.ok(own.every((c) => !fetched.has(c)), `nothing only ${other} needs: ${own.filter((c) => fetched.has(c))}`);
        }
        assert.deepEqual(errors, [], "no errors or warnings while loading and hydrating");

        // The server names the page's chunks in its <head>, so the browser
        // fetches them beside the main bundle rather than after it.
        const html = await (await fetch(`${server.url}${path}`)).text();
        const head = html.slice(0, html.indexOf("</head>"));
        const preloaded = [...head.matchAll(/<link [^>]*href="\/pkg\/[0-9a-f]+\/([^"]+\.wasm)"[^>]*>/g)]
          .filter(([tag]) => /rel="preload"/.test(tag))
          .map(([, file]) => file)
          .filter((file) => file !== `app-${app}.wasm`);
        assert.deepEqual(preloaded.sort(), [...mine].sort(), "the page's chunks are preloaded");
      } finally {
        await context.close();
      }
    });
  }
});

/** Signs the app's demo user in through its sign-in page, leaving the
 *  session in `context`'s storage for the next page. */
async function signIn(context, app) {
  const page = await context.newPage();
  await login(page, server, app, DEMO[app]);
  await page.close();
}
