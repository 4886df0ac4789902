// Times the development loop: with `cargo leptos watch --project <app>`
// serving on 127.0.0.1:3000, edits a heading of that app's source and
// measures how long until the open page in Chromium shows it, reloaded by
// cargo-leptos. Each round edits and then restores the file; every timing
// is printed, then the median.
//
//   cargo leptos watch --project customer --split    # in one terminal
//   node measure-watch.mjs customer [rounds]         # in another
//   (bartender, admin: cargo leptos watch --project <app> --split;
//    node measure-watch.mjs bartender or admin, or admin-page or admin-menu)
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEMO, login, startBrowser } from "./harness.mjs";

const ROOT = resolve(import.meta.dirname, "..");

// For each app: the page to open, the file and the text in it to edit.
const EDITS = {
  // The heading of the customer's menu page, signed in as the demo guest.
  customer: {
    path: "/",
    file: "app-customer/src/pages/menu.rs",
    text: '<h1>"Menu"</h1>',
    shown: "Menu",
    signIn: "customer",
  },
  // The heading of the bartender's queue, signed in as the demo bartender.
  bartender: {
    path: "/bartender",
    file: "app-bartender/src/queue.rs",
    text: '<h1>"Orders"</h1>',
    shown: "Orders",
    signIn: "bartender",
  },
  // The admin console's title in its header, on the sign-in page.
  admin: { path: "/admin/login", file: "app-admin/src/lib.rs", text: "title: \"Admin\"", shown: "Admin" },
  // A page of the admin console: the dashboard's heading, signed in as the
  // demo admin (./scripts/run.sh made the demo accounts in ./data).
  "admin-page": {
    path: "/admin",
    file: "app-admin/console/src/dashboard.rs",
    text: '<h1>"Today"</h1>',
    shown: "Today",
    signIn: "admin",
  },
  // The menu editor's heading, a page of the console in a chunk of its own.
  "admin-menu": {
    path: "/admin/menu",
    file: "app-admin/menu/src/menu.rs",
    text: '<h1>"Menu"</h1>',
    shown: "Menu",
    signIn: "admin",
  },
};

const app = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
const edit = EDITS[app];
if (!edit || !(rounds >= 1)) {
  console.error(`usage: node measure-watch.mjs ${Object.keys(EDITS).join("|")} [rounds]`);
  process.exit(2);
}
const file = join(ROOT, edit.file);
const original = readFileSync(file, "utf8");
if (!original.includes(edit.text)) {
  console.error(`${edit.file} no longer contains ${JSON.stringify(edit.text)}; update EDITS`);
  process.exit(2);
}

const browser = await startBrowser();
const page = await browser.newPage();
// Whether the page shows `text` and not `not`.
const shows = (text, not = null) =>
  page.waitForFunction(
    ([t, n]) => {
      const body = document.body?.textContent ?? "";
      return body.includes(t) && !(n && body.includes(n));
    },
    [text, not],
    { timeout: 120_000, polling: 50 },
  );

/** Writes `source`, then waits until the page shows `text` and not `not`: seconds. */
async function timed(source, text, not = null) {
  const start = performance.now();
  writeFileSync(file, source);
  // The page is replaced when cargo-leptos reloads it; keep asking.
  for (;;) {
    try {
      await shows(text, not);
      return (performance.now() - start) / 1000;
    } catch (e) {
      if (performance.now() - start > 120_000) throw e;
      await page.waitForTimeout(50);
    }
  }
}

const times = [];
try {
  const url = "http://127.0.0.1:3000";
  if (edit.signIn) {
    // The demo accounts are made by ./scripts/run.sh (in ./data, which the
    // watch loop's server uses too); without them the sign-in page refuses
    // at once, and that is said rather than waited out.
    const refused = page.getByTestId("form-error").waitFor({ timeout: 0 }).then(async () => {
      const why = await page.getByTestId("form-error").innerText();
      throw new Error(`the demo ${edit.signIn} cannot sign in (${why}): run ./scripts/run.sh once first`);
    });
    await Promise.race([login(page, { url }, edit.signIn, DEMO[edit.signIn]), refused]);
  }
  await page.goto(`${url}${edit.path}`);
  const shown = edit.shown ?? edit.text;
  await shows(shown);
  for (let round = 1; round <= rounds; round++) {
    const marked = `${shown} ${round}`;
    const edited = original.replace(edit.text, edit.text.replace(shown, marked));
    const there = await timed(edited, marked);
    console.log(`edit ${round}: live after ${there.toFixed(1)} s`);
    const back = await timed(original, shown, marked);
    console.log(`undo ${round}: live after ${back.toFixed(1)} s`);
    times.push(there, back);
  }
} finally {
  writeFileSync(file, original);
  await browser.close();
}
times.sort((a, b) => a - b);
console.log(`median of ${times.length}: ${times[Math.floor(times.length / 2)].toFixed(1)} s`);
