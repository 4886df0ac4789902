// Screenshots into docs/screenshots/: each app's login and Devices pages at
// the widths it is made for (phone, tablet, desktop), and each app's main
// screen with demo orders — the customer's menu, cart, an item's options
// and an order that is ready (phone), the bartender's queue with orders in
// all three columns, the kitchen's screen and a tab being split (tablet,
// landscape), the admin's dashboard, its charts of a day and a week, and
// the menu editor with an item's allergens and options (desktop).
//   node screenshots.mjs          all of them
//   node screenshots.mjs bar      only the main screens
//   node screenshots.mjs security only the password dialog, Activity (phone),
//                                 the admin's log and a new-device alert
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  DEMO, advanceOrder, api, apiLogin, goTo, login, newCustomer, openLogin, placeOrder, startBrowser, startServer, until,
} from "./harness.mjs";

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
const onlyBar = process.argv.includes("bar");
const onlySecurity = process.argv.includes("security");

/** Login and Devices pages. */
async function sessionScreens(server, browser) {
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
    await goTo(page, "Devices");
    await page.getByTestId("device-count").waitFor();
    await page.screenshot({ path: join(out, `${app}-devices-${size}.png`), fullPage: true });
    await other.close();
    await context.close();
    console.log(`${app}: login and devices at ${size} width`);
  }
}

const live = (page) => until(
  async () => (await page.getByTestId("live-status").getAttribute("data-state")) === "live", "the live stream", 20_000);

/** The main screen of each app, with orders in every state. */
async function barScreens(server, browser) {
  const { access_token: staff } = await apiLogin(server, DEMO.bartender, "bartender");
  // Guests at other tables, their orders at every step.
  const orders = [
    { table: "4", lines: [["House Lager", 2], ["Nachos", 1]], note: "Extra salsa please", to: ["preparing", "ready"] },
    { table: "12", lines: [["Negroni", 1], ["Gin & Tonic", 1], ["Loaded Fries", 1]], to: ["preparing"] },
    { table: "1", lines: [["House Lager", 3]], to: ["preparing"] },
    { table: "3", lines: [["Prosecco", 2]], note: "It's her birthday!", to: [] },
    { table: "9", lines: [["Cola", 1], ["Salted Peanuts", 1]], to: [] },
  ];
  for (const [i, { to, ...order }] of orders.entries()) {
    const { access_token: token } = await apiLogin(server, await newCustomer(server), "customer");
    const placed = await placeOrder(server, token, order);
    if (placed.status !== 201) throw new Error(`order failed: ${JSON.stringify(placed.json)}`);
    for (const status of to) await advanceOrder(server, staff, placed.json.id, status);
    // A minute between the first tickets and the rest, so that on the
    // bartender's clock (moved on below) one is late and others wait.
    if (i === 1) await new Promise((r) => setTimeout(r, 61_000));
  }

  // The customer: menu and cart at table 7, then the order once ready.
  const customer = await browser.newContext({ viewport: sizes.phone, isMobile: true, hasTouch: true });
  const phone = await customer.newPage();
  await login(phone, server, "customer", DEMO.customer);
  await phone.goto(`${server.url}/?table=7`);
  const item = (name) => phone.locator(`[data-testid=menu-item][data-item-name="${name}"]`);
  await item("House Lager").waitFor();
  await live(phone);
  await item("House Lager").getByTestId("add").click();
  await item("House Lager").getByTestId("add").click();
  await item("Negroni").getByTestId("add").click();
  const note = phone.locator('[data-testid=cart-line][data-item-name="Negroni"]').getByTestId("line-note");
  await note.fill("No ice");
  await note.blur();
  // What the phone shows: the top of the menu with the bar leading to the
  // cart, then the cart itself (a full-page shot would paint the bar, which
  // follows the screen, over the middle of the menu).
  await phone.evaluate(() => window.scrollTo(0, 0));
  await phone.screenshot({ path: join(out, "customer-menu-phone.png") });
  await phone.evaluate(() => document.querySelector("[data-testid=cart]").scrollIntoView({ block: "start" }));
  await phone.screenshot({ path: join(out, "customer-cart-phone.png") });
  console.log("customer: menu and cart at phone width");
  // The allergen filter open, hiding everything with gluten.
  await phone.getByTestId("allergen-filter").locator("summary").click();
  await phone.locator("[data-testid=hide-allergen][data-allergen=gluten]").check();
  await item("House Lager").waitFor({ state: "detached" });
  await phone.evaluate(() => window.scrollTo(0, 0));
  await phone.screenshot({ path: join(out, "customer-allergen-filter-phone.png") });
  // Folded again: the choice, the count of hidden items, the menu without them.
  await phone.getByTestId("allergen-filter").locator("summary").click();
  await phone.evaluate(() => window.scrollTo(0, 0));
  await phone.screenshot({ path: join(out, "customer-allergen-hidden-phone.png") });
  await phone.getByTestId("show-all").click();
  await item("House Lager").waitFor();
  console.log("customer: allergen filter at phone width");

  // An item's options, open in its card under its allergens: a size and
  // an extra chosen, the price of one following. The admin gives the stout
  // its options through the API; the phone's menu takes them live. (No
  // order above names the stout, so none of them needs a size.)
  const { access_token: adminToken } = await apiLogin(server, DEMO.admin, "admin");
  const menu = await api(server, "GET", "/api/menu");
  const stout = menu.json.categories.flatMap((c) => c.items).find((i) => i.name === "Irish Stout");
  const options = await api(server, "PATCH", `/api/menu/items/${stout.id}`, {
    token: adminToken,
    body: {
      option_groups: [
        { name: "Size", min_choices: 1, max_choices: 1, options: [
          { name: "Pint", price_delta_cents: 0 }, { name: "Half pint", price_delta_cents: -250 }] },
        { name: "Extras", min_choices: 0, max_choices: 2, options: [
          { name: "Blackcurrant dash", price_delta_cents: 30 }, { name: "Extra cold", price_delta_cents: 0 },
          { name: "Whiskey chaser", price_delta_cents: 350 }] },
      ],
    },
  });
  if (options.status !== 200) throw new Error(`options failed: ${JSON.stringify(options.json)}`);
  const stoutAdd = item("Irish Stout").getByTestId("add");
  await until(async () => (await stoutAdd.getAttribute("aria-expanded")) === "false", "the stout's options on the phone");
  await stoutAdd.click();
  const panel = item("Irish Stout").getByTestId("options-panel");
  await panel.waitFor();
  await panel.locator('[data-testid=option][data-option-name="Half pint"]').check();
  await panel.locator('[data-testid=option][data-option-name="Blackcurrant dash"]').check();
  await until(async () => (await panel.getByTestId("options-price").innerText()) === "4.00", "the price of the choice");
  // The card's top just under the category tabs, which stay at the top.
  await item("Irish Stout").evaluate((card) => window.scrollBy(0, card.getBoundingClientRect().top - 72));
  await phone.screenshot({ path: join(out, "customer-options-phone.png") });
  await panel.getByTestId("cancel-options").click();
  await panel.waitFor({ state: "detached" });
  console.log("customer: an item's options at phone width");

  await phone.getByTestId("place-order").click();
  await until(async () => /^\/orders\//.test(new URL(phone.url()).pathname), "the order page");
  await live(phone);
  const id = new URL(phone.url()).pathname.split("/").pop();
  await advanceOrder(server, staff, id, "preparing");
  await advanceOrder(server, staff, id, "ready");
  await phone.getByTestId("ready-banner").waitFor();
  await phone.screenshot({ path: join(out, "customer-order-ready-phone.png"), fullPage: true });
  console.log("customer: order ready at phone width");

  // A guest at table 9 asks for the bill: the strip above the board.
  const { access_token: caller } = await apiLogin(server, await newCustomer(server), "customer");
  const call = await api(server, "POST", "/api/calls", { token: caller, body: { table: "9", kind: "bill" } });
  if (call.status !== 201) throw new Error(`call failed: ${JSON.stringify(call.json)}`);

  // The bartender: the queue on a landscape tablet.
  const bar = await browser.newContext({ viewport: sizes.tablet, hasTouch: true });
  const tablet = await bar.newPage();
  // Nine and a half minutes on: with the default timers (waiting after 5,
  // late after 10) the two earliest open tickets are late, the rest waiting.
  await tablet.clock.install({ time: Date.now() + 570_000 });
  await login(tablet, server, "bartender", DEMO.bartender);
  await tablet.getByTestId("board").waitFor();
  await live(tablet);
  await tablet.locator('[data-testid=table-call][data-table="9"]').waitFor();
  for (const column of ["received", "preparing", "ready"]) {
    await tablet.getByTestId(`column-${column}`).getByTestId("order-card").first().waitFor();
  }
  await tablet.mouse.move(0, 0); // no hover on the cards
  await tablet.screenshot({ path: join(out, "bartender-queue-tablet.png"), fullPage: true });
  console.log("bartender: queue at tablet width");

  // The kitchen's screen: only the food, its first ticket late, the next
  // one waiting.
  const choose = async (name) => {
    const choice = tablet.getByTestId("station-choice").filter({ hasText: new RegExp(`^${name}$`) });
    await choice.click();
    await until(async () => (await choice.getAttribute("aria-pressed")) === "true", `the ${name} screen`);
  };
  await choose("Kitchen");
  const stage = (name) => tablet.locator(`[data-testid=order-card][data-stage=${name}]`);
  await until(async () => (await stage("late").count()) > 0 && (await stage("waiting").count()) > 0,
    "a late and a waiting ticket in the kitchen");
  await tablet.mouse.move(0, 0);
  await tablet.screenshot({ path: join(out, "bartender-kitchen-tablet.png"), fullPage: true });
  console.log("bartender: the kitchen's screen at tablet width");
  await choose("All");

  // Two bumps later: the Recall panel offers to take each back.
  for (const column of ["received", "preparing"]) {
    await tablet.getByTestId(`column-${column}`).getByTestId("order-card").first().getByTestId("advance").click();
    await until(async () => (await tablet.getByTestId("recall-row").count()) === (column === "received" ? 1 : 2),
      `the recall row of the ${column} bump`);
  }
  await tablet.mouse.move(0, 0);
  await tablet.getByTestId("recall-panel").scrollIntoViewIfNeeded();
  await tablet.screenshot({ path: join(out, "bartender-recall-tablet.png") });
  console.log("bartender: the Recall panel at tablet width");

  // Table 4's tab, split by line in two: the lagers on one card, the
  // nachos on the other.
  await goTo(tablet, "Tabs");
  const row = tablet.locator("[data-testid=tab-row]").filter({ hasText: "Table 4" });
  await row.click();
  const detail = tablet.getByTestId("tab-detail");
  await detail.locator("[data-mode=by_line]").click();
  await detail.getByTestId("tab-part-count").fill("2");
  await detail.getByTestId("tab-line").nth(1).locator(".line-parts button").nth(1).click();
  await until(async () => (await detail.getByTestId("tab-part").count()) === 2, "two parts");
  await tablet.mouse.move(0, 0);
  await tablet.screenshot({ path: join(out, "bartender-tab-split-tablet.png"), fullPage: true });
  console.log("bartender: a tab being split at tablet width");

  // The admin: today's figures and the menu editor.
  const admin = await browser.newContext({ viewport: sizes.desktop });
  const desk = await admin.newPage();
  await login(desk, server, "admin", DEMO.admin);
  await desk.getByTestId("stat-orders").waitFor();
  await until(async () => (await desk.getByTestId("stat-orders").innerText()) === String(orders.length + 1), "the figures");
  await live(desk);
  await desk.getByTestId("hour-orders-chart").waitFor();
  await desk.screenshot({ path: join(out, "admin-dashboard-desktop.png"), fullPage: true });
  console.log("admin: dashboard at desktop width");
  // The day's charts, below the figures.
  await desk.getByTestId("figures").evaluate((section) => section.scrollIntoView({ block: "start" }));
  await desk.mouse.move(0, 0);
  await desk.screenshot({ path: join(out, "admin-charts-desktop.png") });
  console.log("admin: the day's charts at desktop width");
  await desk.getByTestId("figures-span-week").check();
  await desk.getByTestId("day-orders-chart").waitFor();
  await desk.mouse.move(0, 0);
  await desk.screenshot({ path: join(out, "admin-charts-week-desktop.png") });
  console.log("admin: the week's charts at desktop width");
  await desk.getByRole("link", { name: "Menu", exact: true }).click();
  await desk.locator('[data-testid=editor-item][data-item-name="Seasonal Sour"]').waitFor();
  await live(desk);
  await desk.screenshot({ path: join(out, "admin-menu-desktop.png"), fullPage: true });
  console.log("admin: menu editor at desktop width");
  const fries = desk.locator('[data-testid=editor-item][data-item-name="Loaded Fries"]');
  await fries.getByTestId("edit-item").click();
  const form = desk.getByTestId("edit-item-form").getByTestId("item-allergens");
  await form.waitFor();
  await form.scrollIntoViewIfNeeded();
  await desk.screenshot({ path: join(out, "admin-item-allergens-desktop.png") });
  console.log("admin: an item's allergens at desktop width");
  await desk.getByTestId("edit-item-form").getByRole("button", { name: "Cancel" }).click();
  // An item with a size to choose: its option groups in the form.
  const ipa = desk.locator('[data-testid=editor-item][data-item-name="Hazy IPA"]');
  await ipa.getByTestId("edit-item").click();
  const groups = desk.getByTestId("edit-item-form").getByTestId("item-options");
  await groups.getByTestId("option-group-editor").first().waitFor();
  await groups.scrollIntoViewIfNeeded();
  await desk.screenshot({ path: join(out, "admin-item-options-desktop.png") });
  console.log("admin: an item's options at desktop width");
  for (const context of [customer, bar, admin]) await context.close();
}

/** Re-authentication, the Activity page, the admin's log, a new-device alert. */
async function securityScreens(server, browser) {
  const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
  // A guest: a wrong password once, then signed in on a phone.
  const email = await newCustomer(server);
  await fetch(`${server.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "not the password" }),
  });
  const phone = await browser.newContext({ viewport: sizes.phone, isMobile: true, hasTouch: true, userAgent: iphone });
  const guest = await phone.newPage();
  await login(guest, server, "customer", email);
  // The same guest on a laptop: the phone is told at once.
  const laptop = await browser.newContext({ viewport: sizes.desktop });
  await login(await laptop.newPage(), server, "customer", email);
  await guest.getByTestId("sign-in-alert").waitFor();
  await guest.screenshot({ path: join(out, "customer-new-sign-in-phone.png") });
  // The header on a phone: one line, the pages unfolded by one button.
  await guest.getByTestId("menu-toggle").click();
  await guest.screenshot({ path: join(out, "customer-header-open-phone.png") });
  await guest.getByTestId("menu-toggle").click();
  console.log("customer: new-device alert at phone width");
  await guest.getByRole("button", { name: "It was me" }).click();
  await goTo(guest, "Activity");
  await guest.getByTestId("activity").first().waitFor();
  await guest.screenshot({ path: join(out, "customer-activity-phone.png"), fullPage: true });
  console.log("customer: activity at phone width");
  // The password dialog, after the window has passed.
  await goTo(guest, "Devices");
  await guest.getByTestId("device-count").waitFor();
  await new Promise((r) => setTimeout(r, 3_500));
  await guest.getByRole("button", { name: "Sign out everywhere…" }).click();
  await guest.getByRole("button", { name: "Yes, sign out everywhere" }).click();
  await guest.getByTestId("reauth-dialog").waitFor();
  await guest.screenshot({ path: join(out, "customer-reauth-phone.png") });
  console.log("customer: password dialog at phone width");
  await phone.close();
  await laptop.close();
  // The admin's log over everyone.
  const admin = await browser.newContext({ viewport: sizes.desktop });
  const desk = await admin.newPage();
  await login(desk, server, "admin", DEMO.admin);
  await desk.getByRole("link", { name: "Log" }).click();
  await desk.getByTestId("log-entry").first().waitFor();
  await desk.screenshot({ path: join(out, "admin-log-desktop.png"), fullPage: true });
  console.log("admin: security log at desktop width");
  // The sessions console: the admin's own session marked, and the question
  // before ending it.
  await desk.getByRole("link", { name: "Sessions" }).click();
  const own = desk.locator("[data-testid=admin-session][data-current=true]");
  await own.waitFor();
  await own.getByTestId("revoke").click();
  await own.getByTestId("confirm-own-session").waitFor();
  await desk.screenshot({ path: join(out, "admin-sessions-desktop.png"), fullPage: true });
  console.log("admin: sessions console at desktop width");
  await admin.close();
}

const server = await startServer({ extraArgs: onlySecurity || !onlyBar ? ["--reauth-window", "3s"] : [] });
const browser = await startBrowser();
try {
  if (onlySecurity) {
    await securityScreens(server, browser);
  } else {
    if (!onlyBar) await sessionScreens(server, browser);
    await barScreens(server, browser);
    if (!onlyBar) await securityScreens(server, browser);
  }
} finally {
  await browser.close();
  await server.stop();
}
