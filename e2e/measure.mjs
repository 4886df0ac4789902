// Time from navigation to a usable page, in headless Chromium against the
// release server on localhost, for each app's sign-in page (its button is
// enabled only once the app has hydrated) and for the customer's menu from
// a table link, signed in (items listed and the live stream connected),
// for the bartender's queue, signed in (the board shown and the live
// stream connected), and for the admin's dashboard, signed in (today's
// figures and the header's signed-in part shown).
//   cold: a fresh profile, nothing cached (a first visit);
//   warm: a second visit in the same profile (a returning visitor).
// With --throttle, as a phone on bar Wi-Fi: DevTools' "Fast 3G" network
// (562.5 ms latency, 180 KB/s down, 84 KB/s up) and 4x CPU slowdown.
// Prints the median, minimum and maximum of several loads of each.
//   node measure.mjs [--runs N] [--throttle] [--only TEXT]   (pages whose name has TEXT)
import { APPS, DEMO, apiLogin, login, newCustomer, startBrowser, startServer } from "./harness.mjs";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] || 7);
const throttle = args.includes("--throttle");
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : "";
const FAST_3G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };

const server = await startServer();
const browser = await startBrowser();

/** Milliseconds from navigation until `ready(page)` resolves, in a new page of `context`. */
async function load(context, path, ready) {
  const page = await context.newPage();
  if (throttle) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", FAST_3G);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  }
  await page.goto(`${server.url}${path}`);
  await ready(page);
  const ms = await page.evaluate(() => performance.now());
  await page.close();
  return ms;
}

const loginReady = (page) => page.locator("button[type=submit]:not([disabled])").waitFor({ timeout: 120_000 });
const menuReady = async (page) => {
  await page.locator('[data-testid=menu-item][data-item-name="House Lager"]').waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=live-status][data-state=live]').waitFor({ timeout: 120_000 });
};

const queueReady = async (page) => {
  await page.getByTestId("board").waitFor({ timeout: 120_000 });
  await page.locator('[data-testid=live-status][data-state=live]').waitFor({ timeout: 120_000 });
};

const dashboardReady = async (page) => {
  await page.getByTestId("stat-orders").waitFor({ timeout: 120_000 });
  await page.getByTestId("user-name").waitFor({ timeout: 120_000 });
};

/** The storage of `email` signed in to `app` through its sign-in page, to
 *  start each signed-in load from. */
async function signedInAs(app, email) {
  const context = await browser.newContext();
  await login(await context.newPage(), server, app, email);
  const state = await context.storageState();
  await context.close();
  return state;
}

const pages = Object.entries(APPS).map(([app, { base }]) => ({ name: `app-${app} sign-in`, path: `${base}/login`, ready: loginReady }));
pages.push({ name: "customer menu (table link, signed in)", path: "/?table=7", ready: menuReady, as: "guest" });
pages.push({ name: "bartender queue (signed in)", path: "/bartender", ready: queueReady, as: "bartender" });
pages.push({ name: "admin dashboard (signed in)", path: "/admin", ready: dashboardReady, as: "admin" });

const stat = (times) => {
  times.sort((a, b) => a - b);
  const f = (ms) => `${ms.toFixed(0)} ms`;
  return `median ${f(times[Math.floor(times.length / 2)])} (min ${f(times[0])}, max ${f(times.at(-1))})`;
};

try {
  await apiLogin(server, "customer@taproom.test", "customer"); // the server is warm before the first load
  // A new guest for the menu; the demo bartender and admin for theirs.
  const signIn = {
    guest: async () => signedInAs("customer", await newCustomer(server)),
    bartender: () => signedInAs("bartender", DEMO.bartender),
    admin: () => signedInAs("admin", DEMO.admin),
  };
  const signedIn = {};
  console.log(`${runs} loads each${throttle ? ', throttled: "Fast 3G" and 4x CPU slowdown' : ", unthrottled"}`);
  for (const { name, path, ready, as } of pages.filter((p) => p.name.includes(only))) {
    if (as && !signedIn[as]) signedIn[as] = await signIn[as]();
    const cold = [];
    const warm = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext(as ? { storageState: signedIn[as] } : {});
      cold.push(await load(context, path, ready));
      warm.push(await load(context, path, ready));
      await context.close();
    }
    console.log(`${name}: cold ${stat(cold)}; warm ${stat(warm)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
