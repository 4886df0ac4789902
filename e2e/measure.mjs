// Time from navigation to an interactive login form (the submit button is
// enabled only once the app has hydrated), per app, in headless Chromium
// against the release server on localhost. Prints the median of several
// loads with a fresh profile each (nothing cached).
//   node measure.mjs [runs]
import { APPS, startBrowser, startServer } from "./harness.mjs";

const runs = Number(process.argv[2] ?? 7);
const server = await startServer();
const browser = await startBrowser();
try {
  for (const app of Object.keys(APPS)) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${server.url}${APPS[app].base}/login`);
      await page.locator("button[type=submit]:not([disabled])").waitFor();
      times.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`app-${app}: interactive login form after ${median.toFixed(0)} ms (median of ${runs}; min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)})`);
  }
} finally {
  await browser.close();
  await server.stop();
}
