// Screenshots of each app's login and Devices pages at the widths it is
// made for (phone, tablet, desktop), into docs/screenshots/.
//   node screenshots.mjs
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEMO, login, newCustomer, openLogin, startBrowser, startServer } from "./harness.mjs";

const out = resolve(import.meta.dirname, "../docs/screenshots");
mkdirSync(out, { recursive: true });
const sizes = {
  phone: { width: 360, height: 740 },
  tablet: { width: 1024, height: 768 },
  desktop: { width: 1366, height: 850 },
};
// Each app at each width; the first of each row is the one it is made for.
const shots = [
  ...["phone", "tablet", "desktop"].map((size) => ["customer", size]),
  ...["tablet", "phone", "desktop"].map((size) => ["bartender", size]),
  ...["desktop", "tablet", "phone"].map((size) => ["admin", size]),
];

const server = await startServer();
const browser = await startBrowser();
try {
  for (const [app, size] of shots) {
    const context = await browser.newContext({ viewport: sizes[size] });
    const page = await context.newPage();
    await openLogin(page, server, app);
    await page.screenshot({ path: join(out, `${app}-login-${size}.png`), fullPage: true });
    const email = app === "customer" ? await newCustomer(server) : DEMO[app];
    // A second device, so the list shows more than this one.
    const other = await browser.newContext({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1" });
    await login(await other.newPage(), server, app, email);
    await login(page, server, app, email);
    await page.getByRole("link", { name: "Devices" }).click();
    await page.getByTestId("device-count").waitFor();
    await page.screenshot({ path: join(out, `${app}-devices-${size}.png`), fullPage: true });
    await other.close();
    await context.close();
    console.log(`${app}: login and devices at ${size} width`);
  }
} finally {
  await browser.close();
  await server.stop();
}
