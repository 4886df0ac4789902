// The bar in headless Chromium against the real release server: a guest
// orders from a table link, the bartender's queue shows it live and moves it
// to ready, the guest's page follows; a double tap makes one order; items
// sold out reach open menus and carts; the guest hides items by allergen and
// the bartender's card names each line's; the admin sets the ticket timers
// and an open board's tickets turn waiting, then late (on a mocked browser
// clock), while the "all day" strip counts what is waiting; a guest asks for
// the bill and the bartender's "On my way" reaches their phone; the
// bartender recalls a mistaken bump from the Recall panel and the guest's
// page follows, and a recall someone else overtook says so; a deactivated
// guest is signed out; the bartender's queue survives a server restart and
// catches up.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  APPS, DEMO, PASSWORD, advanceOrder, api, apiLogin, goTo, login, markPage, menuIds, newCustomer, pathOf,
  placeOrder, reloaded, startBrowser, startServer, storage, until,
  profile, menuItem, card, liveState, untilLive, cutLiveStream, barScreen, guestAtTable as guestAt,
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

const TABLET = { width: 1024, height: 768 };
const PHONE = { width: 390, height: 844 };

const cartLine = (page, name) => page.locator(`[data-testid=cart-line][data-item-name="${name}"]`);
const sessionKeysLeft = async (page, app) => {
  const stored = await storage(page);
  return APPS[app].keys.filter((k) => k in stored);
};

/** A guest opening a table's link (as on its QR code) signed out: the login
 *  page, then back to the menu for that table, live. */
const guestAtTable = (table, email, { viewport = PHONE } = {}) => guestAt(browser, server, table, email, viewport);

/** The bartender's queue on a tablet, loaded and live. */
const openQueue = () => barScreen(browser, server, TABLET);

/** Clicks "Add" on a menu item `times` times. */
async function add(page, name, times = 1) {
  // The line's quantity, 0 while it is not in the cart (no waiting for it).
  const quantity = async () => {
    const shown = cartLine(page, name).getByTestId("quantity");
    return (await shown.count()) === 0 ? 0 : Number(await shown.innerText());
  };
  for (let i = 0; i < times; i++) {
    const before = await quantity();
    await menuItem(page, name).getByTestId("add").click();
    await until(async () => (await quantity()) === before + 1, `${name} × ${before + 1} in the cart`);
  }
}

const ORDER_PATH = /^\/orders\/([0-9a-f-]{36})$/;
/** Waits for the guest's page to show a placed order and answers its id. */
async function placedOrderId(page) {
  await until(async () => ORDER_PATH.test(pathOf(page)), "the order's page", 20_000);
  return pathOf(page).match(ORDER_PATH)[1];
}

const customerToken = async (page) => (await storage(page))[APPS.customer.keys[0]];

describe("ordering", () => {
  it("a guest orders two pints and a Negroni at table 7 and the open queue shows it, without a reload", async () => {
    const bar = await openQueue();
    await markPage(bar.page);
    const received = bar.page.getByTestId("column-received");
    const countBefore = Number(await received.getByTestId("column-count").innerText());

    const guest = await guestAtTable("7", await newCustomer(server));
    const { page } = guest;
    assert.equal(await page.getByTestId("table").inputValue(), "7", "the table comes from the link");
    assert.equal((await storage(page)).customer_table, "7", "the table is remembered");

    await add(page, "House Lager");
    await cartLine(page, "House Lager").getByTestId("increase").click();
    await until(async () => (await cartLine(page, "House Lager").getByTestId("quantity").innerText()) === "2", "two pints");
    await add(page, "Negroni");
    await cartLine(page, "Negroni").getByTestId("line-note").fill("no ice");
    assert.equal(await page.getByTestId("cart-total").innerText(), "22.00");
    const saved = JSON.parse((await storage(page)).customer_cart);
    assert.deepEqual(saved.lines.map((l) => [l.name, l.quantity]), [["House Lager", 2], ["Negroni", 1]], "the cart is kept in storage");
    await page.getByTestId("place-order").click();
    const id = await placedOrderId(page);
    assert.equal((await storage(page)).customer_cart, undefined, "the placed cart is gone from storage");
    await page.getByTestId("order-status").waitFor();
    assert.equal(await page.getByTestId("order-status").getAttribute("data-status"), "received");

    const shown = received.locator(`[data-testid=order-card][data-order-id="${id}"]`);
    await shown.waitFor({ timeout: 10_000 });
    assert.equal(await shown.getAttribute("data-table"), "7");
    assert.equal(await shown.getAttribute("data-status"), "received");
    const text = await shown.innerText();
    assert.match(text, /2\s*×\s*House Lager/);
    assert.match(text, /1\s*×\s*Negroni/);
    assert.match(text, /no ice/);
    await until(async () => Number(await received.getByTestId("column-count").innerText()) === countBefore + 1,
      "the Received count to go up by one");
    assert.equal(await reloaded(bar.page), false, "the queue was not reloaded");
    assert.deepEqual([...bar.errors, ...guest.errors], []);
    await guest.context.close();
    await bar.context.close();
  });

  it("signing out forgets the cart and the table, so the next guest on a shared tablet starts afresh", async () => {
    const guest = await guestAtTable("12", await newCustomer(server), { viewport: TABLET });
    const { page } = guest;
    await add(page, "House Lager", 2);
    const kept = await storage(page);
    assert.equal(kept.customer_table, "12");
    assert.ok(kept.customer_cart, "the cart is in storage before signing out");
    await page.getByRole("button", { name: "Sign out" }).click();
    await until(async () => pathOf(page) === "/login", "the login page");
    assert.equal(new URL(page.url()).search, "", "a fresh sign-in page, not back to the last guest's table");
    const left = await storage(page);
    assert.equal(left.customer_cart, undefined, "no cart left in storage");
    assert.equal(left.customer_table, undefined, "no table left in storage");

    // The next guest signs in on the same tablet: an empty cart, no table.
    await page.locator("button[type=submit]:not([disabled])").waitFor();
    await page.fill("#email", await newCustomer(server));
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await until(async () => pathOf(page) === "/", "the menu after signing in");
    await menuItem(page, "House Lager").waitFor();
    assert.equal(await cartLine(page, "House Lager").count(), 0, "the previous guest's lines are gone");
    assert.equal(await page.getByTestId("table").inputValue(), "", "the previous guest's table is gone");
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
  });

  it("the bartender moves the order to ready in two taps and the guest's page shows it, without a reload", async () => {
    const email = await newCustomer(server);
    const guest = await guestAtTable("7", email);
    const { page } = guest;
    const placed = await placeOrder(server, await customerToken(page), {
      table: "7", lines: [["House Lager", 2], ["Negroni", 1]],
    });
    assert.equal(placed.status, 201);
    const id = placed.json.id;
    await page.goto(`${server.url}/orders/${id}`);
    await page.getByTestId("order-status").waitFor();
    await untilLive(page, "the guest's order page");
    await markPage(page);
    const status = () => page.getByTestId("order-status").getAttribute("data-status");
    assert.equal(await status(), "received");
    assert.equal(await page.getByTestId("ready-banner").count(), 0);

    const bar = await openQueue();
    await markPage(bar.page);
    await card(bar.page, id).getByTestId("advance").click();
    const preparing = bar.page.getByTestId("column-preparing").locator(`[data-order-id="${id}"]`);
    await preparing.waitFor();
    assert.equal(await preparing.getAttribute("data-status"), "preparing");
    await until(async () => (await status()) === "preparing", "the guest's page to say preparing");

    await preparing.getByTestId("advance").click();
    const ready = bar.page.getByTestId("column-ready").locator(`[data-order-id="${id}"]`);
    await ready.waitFor();
    assert.equal(await ready.getAttribute("data-status"), "ready");
    await page.getByTestId("ready-banner").waitFor({ timeout: 10_000 });
    assert.equal(await status(), "ready");
    assert.equal(await page.locator("[data-testid=order-status][data-status=ready]").count(), 1);
    assert.equal(await bar.page.getByTestId("column-received").locator(`[data-order-id="${id}"]`).count(), 0);
    assert.equal(await reloaded(page), false, "the guest's page was not reloaded");
    assert.equal(await reloaded(bar.page), false, "the queue was not reloaded");
    assert.deepEqual([...bar.errors, ...guest.errors], []);
    await guest.context.close();
    await bar.context.close();
  });
});

describe("double submit", () => {
  /** Fills a cart, submits it with `submit(page)`, and answers the guest's orders and POSTs. */
  async function submitWith(submit) {
    const email = await newCustomer(server);
    const guest = await guestAtTable("7", email);
    const { page } = guest;
    const posts = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/orders") posts.push(r);
    });
    await add(page, "House Lager", 2);
    await add(page, "Negroni");
    await page.locator("[data-testid=place-order]:not([disabled])").waitFor();
    await submit(page);
    const id = await placedOrderId(page);
    // Every POST the page made has had its answer before counting orders.
    await until(async () => (await Promise.all(posts.map((r) => r.response()))).every(Boolean), "the POSTs' answers");
    const mine = await api(server, "GET", "/api/orders/mine", { token: await customerToken(page) });
    assert.equal(mine.status, 200);
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
    return { id, orders: mine.json.orders, posts: posts.length };
  }

  it("a double-clicked Place order makes exactly one order", async (t) => {
    const { id, orders, posts } = await submitWith((page) => page.getByTestId("place-order").dblclick());
    t.diagnostic(`POST /api/orders sent ${posts} time(s)`);
    assert.equal(orders.length, 1, "orders of the guest");
    assert.equal(orders[0].id, id);
    assert.deepEqual(orders[0].lines.map((l) => [l.name, l.quantity]), [["House Lager", 2], ["Negroni", 1]]);
  });

  it("two clicks in the same instant (before the button can disable) make exactly one order", async (t) => {
    const { id, orders, posts } = await submitWith((page) => page.evaluate(() => {
      const button = document.querySelector("[data-testid=place-order]");
      button.click();
      button.click();
    }));
    t.diagnostic(`POST /api/orders sent ${posts} time(s)`);
    assert.equal(orders.length, 1, "orders of the guest");
    assert.equal(orders[0].id, id);
  });

  it("the same order sent five times at once with one Idempotency-Key makes one order (the API)", async () => {
    const email = await newCustomer(server);
    const { access_token: token } = await apiLogin(server, email, "customer");
    const ids = await menuIds(server);
    const body = JSON.stringify({ table: "7", lines: [{ item_id: ids["House Lager"], quantity: 2 }] });
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": `twice-${Date.now()}` };
    const answers = await Promise.all(Array.from({ length: 5 }, () =>
      fetch(`${server.url}/api/orders`, { method: "POST", headers, body })
        .then(async (r) => ({ status: r.status, replayed: r.headers.get("idempotent-replayed"), json: await r.json() }))));
    assert.deepEqual(answers.map((a) => a.status), [201, 201, 201, 201, 201], JSON.stringify(answers.map((a) => a.json)));
    assert.equal(new Set(answers.map((a) => a.json.id)).size, 1, "one order id in every answer");
    assert.equal(answers.filter((a) => a.replayed === "true").length, 4, "four answers are replays");
    const mine = await api(server, "GET", "/api/orders/mine", { token });
    assert.equal(mine.json.orders.length, 1);
  });
});

describe("availability", () => {
  const ITEM = "Espresso Martini";

  it("an item the admin marks sold out turns unavailable on open menus and blocks carts holding it; back on, it clears", async () => {
    // A guest with the item in the cart, live.
    const guest = await guestAtTable("4", await newCustomer(server));
    const { page } = guest;
    await add(page, ITEM);
    await add(page, "Cola");
    await markPage(page);
    assert.equal(await menuItem(page, ITEM).getAttribute("data-available"), "true");

    // A second guest whose live stream cannot get through: their menu stays as loaded.
    const staleEmail = await newCustomer(server);
    const stale = await profile(browser, PHONE);
    await cutLiveStream(stale.context);
    await stale.page.goto(`${server.url}/?table=12`);
    await until(async () => pathOf(stale.page) === "/login", "the login page");
    await stale.page.locator("button[type=submit]:not([disabled])").waitFor();
    await stale.page.fill("#email", staleEmail);
    await stale.page.fill("#password", PASSWORD);
    await stale.page.click("button[type=submit]");
    await menuItem(stale.page, ITEM).waitFor();
    await add(stale.page, ITEM);
    assert.notEqual(await liveState(stale.page), "live");

    // The admin marks it sold out in the menu editor.
    const admin = await profile(browser, { width: 1366, height: 850 });
    await login(admin.page, server, "admin", DEMO.admin);
    await admin.page.getByRole("link", { name: "Menu", exact: true }).click();
    const row = admin.page.locator(`[data-testid=editor-item][data-item-name="${ITEM}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute("data-available"), "true");
    await row.getByTestId("toggle-available").click();
    await until(async () => (await row.getAttribute("data-available")) === "false", "the editor to show it sold out");

    // The live guest: sold out on the menu, blocked in the cart, no reload.
    await until(async () => (await menuItem(page, ITEM).getAttribute("data-available")) === "false",
      "the guest's menu to show it sold out", 10_000);
    assert.equal(await menuItem(page, ITEM).getByTestId("add").isDisabled(), true, "its Add button is disabled");
    const blocked = page.getByTestId("cart-blocked");
    await blocked.waitFor();
    assert.match(await blocked.innerText(), new RegExp(`Sold out now: ${ITEM}\\b`));
    assert.equal(await page.getByTestId("place-order").isDisabled(), true, "Place order is disabled");
    assert.equal(await reloaded(page), false, "the guest's menu was not reloaded");

    // The stale guest still thinks it is available; the server refuses the order by name.
    assert.equal(await menuItem(stale.page, ITEM).getAttribute("data-available"), "true");
    await stale.page.getByTestId("place-order").click();
    const refusal = stale.page.getByTestId("form-error");
    await refusal.waitFor();
    assert.match(await refusal.innerText(), new RegExp(`Sold out right now: ${ITEM}`));
    // …and the app then reloads its menu, which shows why.
    await until(async () => (await menuItem(stale.page, ITEM).getAttribute("data-available")) === "false",
      "the refused guest's menu to reload");
    await stale.page.getByTestId("cart-blocked").waitFor();
    assert.equal(pathOf(stale.page), "/", "no order page");
    const staleOrders = await api(server, "GET", "/api/orders/mine", { token: await customerToken(stale.page) });
    assert.equal(staleOrders.json.orders.length, 0);

    // The API says the same to any client.
    const direct = await placeOrder(server, await customerToken(page), { table: "4", lines: [[ITEM, 1], ["Cola", 1]] });
    assert.equal(direct.status, 422);
    assert.equal(direct.json.error, "items_unavailable");
    assert.match(direct.json.message, new RegExp(ITEM));

    // Back on from the bartender's availability panel: the guest can order again.
    const bar = await openQueue();
    await markPage(bar.page);
    await bar.page.getByTestId("open-availability").click();
    const panelRow = bar.page.getByTestId("availability-panel")
      .locator(`[data-testid=availability-item][data-item-name="${ITEM}"]`);
    await panelRow.waitFor();
    assert.equal(await panelRow.getAttribute("data-available"), "false");
    // The button says what it will do, and stands out while the item is off.
    const toggle = panelRow.getByTestId("toggle-availability");
    assert.equal((await toggle.textContent()).trim(), "Back on");
    assert.match(await toggle.getAttribute("class"), /\bprimary\b/);
    await toggle.click();
    await until(async () => (await panelRow.getAttribute("data-available")) === "true", "the panel to show it back on");
    await until(async () => (await toggle.textContent()).trim() === "Mark sold out", "the button to offer the opposite");
    assert.match(await toggle.getAttribute("class"), /\bsecondary\b/);
    assert.doesNotMatch(await toggle.getAttribute("class"), /\bprimary\b/);
    await until(async () => (await menuItem(page, ITEM).getAttribute("data-available")) === "true",
      "the guest's menu to show it available again", 10_000);
    await until(async () => (await row.getAttribute("data-available")) === "true", "the admin's editor to follow live");
    await page.getByTestId("cart-blocked").waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("place-order").isDisabled(), false);
    await page.getByTestId("place-order").click();
    await placedOrderId(page);
    assert.equal(await reloaded(bar.page), false);
    assert.deepEqual([...guest.errors, ...stale.errors, ...admin.errors, ...bar.errors], []);
    for (const p of [guest, stale, admin, bar]) await p.context.close();
  });
});

describe("allergens", () => {
  const filterBox = (page, allergen) =>
    page.getByTestId("allergen-filter").locator(`[data-testid=hide-allergen][data-allergen=${allergen}]`);
  const hiddenNote = (page) => page.getByTestId("hidden-count").innerText();

  it("a guest reads what each item contains, hides every item with gluten (the beers go, a note counts them), and the choice survives a reload", async () => {
    // What the menu says contains gluten: the note must count exactly those.
    const menu = await api(server, "GET", "/api/menu");
    const items = menu.json.categories.flatMap((c) => c.items);
    const withGluten = items.filter((i) => i.allergens.includes("gluten")).map((i) => i.name);
    const beers = menu.json.categories.find((c) => c.name === "Draught beer").items.map((i) => i.name);
    assert.ok(beers.length > 0 && beers.every((b) => withGluten.includes(b)), "every beer contains gluten");
    const kept = items.find((i) => !i.allergens.includes("gluten") && i.allergens.length > 0).name;
    const note = `${withGluten.length} items hidden`;

    const guest = await guestAtTable("7", await newCustomer(server), { viewport: TABLET });
    const { page } = guest;
    const lagerAllergens = menuItem(page, "House Lager").getByTestId("item-allergens");
    assert.equal(await lagerAllergens.innerText(), "Contains: gluten");
    assert.equal(await lagerAllergens.getAttribute("data-allergens"), "gluten");
    assert.equal(await menuItem(page, "Cola").getByTestId("item-allergens").count(), 0, "nothing to declare, nothing shown");
    assert.equal(await hiddenNote(page), "");

    await page.getByTestId("allergen-filter").locator("summary").click();
    await filterBox(page, "gluten").check();
    await until(async () => (await menuItem(page, "House Lager").count()) === 0, "the lager to leave the menu");
    for (const beer of beers) assert.equal(await menuItem(page, beer).count(), 0, `${beer} is hidden`);
    assert.equal(await menuItem(page, kept).count(), 1, `${kept} (no gluten) stays`);
    await until(async () => (await hiddenNote(page)) === note, `the note "${note}"`);
    assert.equal(await page.locator(".category-tabs a", { hasText: "Draught beer" }).count(), 0,
      "the emptied category's tab goes too");
    await until(async () => (await storage(page)).customer_hidden_allergens === '["gluten"]', "the choice to be stored");

    await markPage(page);
    await page.reload();
    assert.equal(await reloaded(page), true);
    await menuItem(page, kept).waitFor();
    assert.equal(await menuItem(page, "House Lager").count(), 0, "still hidden after the reload");
    assert.equal(await hiddenNote(page), note);
    assert.equal(await filterBox(page, "gluten").isChecked(), true, "the box is still ticked");

    await page.getByTestId("show-all").click();
    await menuItem(page, "House Lager").waitFor();
    assert.equal(await hiddenNote(page), "");
    await until(async () => (await storage(page)).customer_hidden_allergens === undefined, "nothing hidden, nothing stored");

    // Signing out forgets the choice, as it forgets the cart: the next
    // guest on a shared tablet neither inherits nor reads it.
    await page.getByTestId("allergen-filter").locator("summary").click();
    await filterBox(page, "peanuts").check();
    await until(async () => (await storage(page)).customer_hidden_allergens !== undefined, "the choice to be stored");
    await page.getByRole("button", { name: "Sign out" }).click();
    await until(async () => pathOf(page) === "/login", "the login page");
    assert.equal((await storage(page)).customer_hidden_allergens, undefined);
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
  });

  it("the bartender's card shows each line's allergens beside it, in words", async () => {
    const bar = await openQueue();
    const { access_token: token } = await apiLogin(server, await newCustomer(server), "customer");
    const placed = await placeOrder(server, token, {
      table: "4", lines: [["House Lager", 1], ["Loaded Fries", 1], ["Cola", 1]],
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.json));
    const shown = card(bar.page, placed.json.id);
    await shown.waitFor({ timeout: 10_000 });
    const allergensOf = (name) =>
      shown.locator(`[data-testid=order-line][data-item-name="${name}"]`).getByTestId("line-allergens");
    assert.match(await allergensOf("House Lager").innerText(), /⚠\s*gluten/);
    assert.equal(await allergensOf("House Lager").getAttribute("aria-label"), "Allergens: gluten");
    assert.equal(await allergensOf("Loaded Fries").getAttribute("aria-label"), "Allergens: gluten, milk, mustard");
    assert.equal(await allergensOf("Cola").count(), 0);
    assert.deepEqual(bar.errors, []);
    await bar.context.close();
  });
});

describe("ticket timers and all day", () => {
  const TIMERS = "/api/admin/settings/timers";
  const stageOf = (page, id) => card(page, id).getAttribute("data-stage");
  const ageOf = (page, id) => card(page, id).getByTestId("order-age").innerText();
  const borderOf = (page, id) => card(page, id).evaluate((el) => {
    const style = getComputedStyle(el);
    return { style: style.borderTopStyle, width: style.borderTopWidth };
  });
  /** The strip's items in their order on screen: [[name, count], …]. */
  const allDay = (page) => page.getByTestId("all-day").getByTestId("all-day-item")
    .evaluateAll((items) => items.map((i) => [i.dataset.itemName, Number(i.dataset.count)]));
  /** What the strip should say for `orders`: item → quantity over those still to be made. */
  const waiting = (orders) => {
    const counts = {};
    for (const order of orders.filter((o) => o.status === "received" || o.status === "preparing")) {
      for (const line of order.lines) counts[line.name] = (counts[line.name] ?? 0) + line.quantity;
    }
    return counts;
  };
  const byName = (pairs) => Object.fromEntries(pairs);

  it("the admin sets the timers to 1 and 2 minutes; an open board takes them at once, and a fresh ticket turns waiting, then late, in words, an icon and its border", async () => {
    const admin = await apiLogin(server, DEMO.admin, "admin");
    try {
      // The board's page runs on a clock the test moves: Playwright's fake
      // clock replaces Date and the timers, and the board reads its time
      // from Date.now() (ui::format::now_millis) on a setInterval tick.
      const bar = await profile(browser, TABLET);
      await bar.page.clock.install();
      await login(bar.page, server, "bartender", DEMO.bartender);
      await bar.page.getByTestId("board").waitFor();
      await untilLive(bar.page, "the bartender's queue");
      await markPage(bar.page);
      const legend = bar.page.getByTestId("timer-legend");
      assert.equal(await legend.getAttribute("data-amber-secs"), "300", "the defaults");
      assert.equal(await legend.getAttribute("data-red-secs"), "600");
      assert.match(await legend.innerText(), /Waiting after 5 min[\s\S]*Late after 10 min/);

      // The admin's form, on the dashboard.
      const desk = await profile(browser, { width: 1366, height: 850 });
      const puts = [];
      desk.page.on("request", (r) => {
        if (r.method() === "PUT" && new URL(r.url()).pathname === TIMERS) puts.push(r);
      });
      await login(desk.page, server, "admin", DEMO.admin);
      const form = desk.page.getByTestId("ticket-timers");
      const amber = form.getByTestId("amber-after");
      const red = form.getByTestId("red-after");
      await amber.waitFor();
      await until(async () => (await amber.inputValue()) === "5" && (await red.inputValue()) === "10",
        "the form to show the stored timers");
      // Red before amber: the shared rule says so before anything is sent.
      await amber.fill("3");
      await red.fill("2");
      await form.getByTestId("save-timers").click();
      await form.getByTestId("form-error").waitFor();
      assert.match(await form.getByTestId("form-error").innerText(), /later than the amber/);
      assert.equal(puts.length, 0, "nothing was sent");
      await amber.fill("1");
      await red.fill("2");
      await form.getByTestId("save-timers").click();
      await form.getByTestId("notice").waitFor();
      assert.match(await form.getByTestId("notice").innerText(), /amber after 1 min and red after 2 min/);
      assert.equal(await form.getByTestId("form-error").count(), 0, "the old error is gone");
      assert.equal(puts.length, 1);
      const stored = await api(server, "GET", "/api/bar/settings", { token: admin.access_token });
      assert.deepEqual(stored.json, { ticket_timers: { amber_after_secs: 60, red_after_secs: 120 } });

      // The open board follows the live event, without a reload.
      await until(async () => (await legend.getAttribute("data-amber-secs")) === "60"
        && (await legend.getAttribute("data-red-secs")) === "120", "the board to take the new timers");
      assert.match(await legend.innerText(), /Waiting after 1 min[\s\S]*Late after 2 min/);

      // A ticket placed now is fresh: its age alone, no word, no icon.
      const { access_token: token } = await apiLogin(server, await newCustomer(server), "customer");
      const placed = await placeOrder(server, token, { table: "4", lines: [["Negroni", 1]] });
      assert.equal(placed.status, 201, JSON.stringify(placed.json));
      const id = placed.json.id;
      await card(bar.page, id).waitFor({ timeout: 10_000 });
      assert.equal(await stageOf(bar.page, id), "fresh");
      assert.equal(await ageOf(bar.page, id), "just now");
      assert.equal(await card(bar.page, id).locator(".stage-icon").count(), 0);
      const fresh = await borderOf(bar.page, id);

      // A minute later (on the page's clock): waiting.
      await bar.page.clock.fastForward(61_000);
      await until(async () => (await stageOf(bar.page, id)) === "waiting", "the ticket to turn waiting");
      assert.match(await ageOf(bar.page, id), /Waiting · 1 min$/);
      assert.equal(await card(bar.page, id).locator(".stage-icon").innerText(), "◑");
      const amberBorder = await borderOf(bar.page, id);
      assert.equal(amberBorder.style, "solid");
      assert.notEqual(amberBorder.width, fresh.width, "a heavier border than a fresh ticket's");

      // Two minutes: late, and drawn unlike a waiting ticket.
      await bar.page.clock.fastForward(60_000);
      await until(async () => (await stageOf(bar.page, id)) === "late", "the ticket to turn late");
      assert.match(await ageOf(bar.page, id), /Late · 2 min$/);
      assert.equal(await card(bar.page, id).locator(".stage-icon").innerText(), "‼");
      assert.equal((await borderOf(bar.page, id)).style, "double");

      // Once ready, the wait the timers measure is over: no stage.
      for (const status of ["preparing", "ready"]) {
        const moved = await advanceOrder(server, admin.access_token, id, status);
        assert.equal(moved.status, 200, JSON.stringify(moved.json));
      }
      const ready = bar.page.getByTestId("column-ready").locator(`[data-order-id="${id}"]`);
      await ready.waitFor();
      assert.equal(await ready.getAttribute("data-stage"), null);
      assert.doesNotMatch(await ready.getByTestId("order-age").innerText(), /Waiting|Late/);
      assert.equal(await reloaded(bar.page), false, "the board was not reloaded");
      assert.deepEqual([...bar.errors, ...desk.errors], []);
      await desk.context.close();
      await bar.context.close();
    } finally {
      // The tests that follow expect the defaults.
      const reset = await api(server, "PUT", TIMERS, {
        token: admin.access_token, body: { amber_after_secs: 300, red_after_secs: 600 },
      });
      assert.equal(reset.status, 200, JSON.stringify(reset.json));
    }
  });

  it("the all-day strip counts each item of the received and preparing tickets, most first, live", async () => {
    const bar = await openQueue();
    await markPage(bar.page);
    const staff = (await storage(bar.page))[APPS.bartender.keys[0]];
    const open = async () => (await api(server, "GET", "/api/orders?scope=open", { token: staff })).json.orders;
    const strip = async () => byName(await allDay(bar.page));
    const add = (counts, lines) => {
      const out = { ...counts };
      for (const [name, n] of lines) out[name] = (out[name] ?? 0) + n;
      return Object.fromEntries(Object.entries(out).filter(([, n]) => n > 0));
    };
    const showing = (want, what) => until(async () => {
      const shown = await strip();
      return Object.keys(shown).length === Object.keys(want).length
        && Object.entries(want).every(([name, n]) => shown[name] === n);
    }, what);

    // Orders earlier tests left open count too: the strip agrees with the API.
    const before = waiting(await open());
    await showing(before, "the strip to match the open orders");

    const { access_token: token } = await apiLogin(server, await newCustomer(server), "customer");
    const first = await placeOrder(server, token, { table: "7", lines: [["House Lager", 2], ["Negroni", 1]] });
    const second = await placeOrder(server, token, { table: "1", lines: [["House Lager", 3], ["Cola", 2]] });
    assert.equal(first.status, 201, JSON.stringify(first.json));
    assert.equal(second.status, 201, JSON.stringify(second.json));
    const both = add(before, [["House Lager", 5], ["Negroni", 1], ["Cola", 2]]);
    await showing(both, "the strip to add both orders");
    assert.deepEqual(await strip(), waiting(await open()), "as the API counts");
    // Most first, then by name.
    const shown = await allDay(bar.page);
    const sorted = [...shown].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    assert.deepEqual(shown, sorted);
    const lager = bar.page.getByTestId("all-day").locator('[data-testid=all-day-item][data-item-name="House Lager"]');
    assert.match(await lager.innerText(), new RegExp(`^House Lager\\s+${both["House Lager"]}$`));

    // A ready ticket is made already: the first order leaves the count.
    for (const status of ["preparing", "ready"]) {
      const moved = await advanceOrder(server, staff, first.json.id, status);
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
    }
    await showing(add(both, [["House Lager", -2], ["Negroni", -1]]), "the strip to drop the ready order's lines");
    assert.equal(await reloaded(bar.page), false, "the board was not reloaded");
    assert.deepEqual(bar.errors, []);
    await bar.context.close();
  });
});

describe("calls for staff", () => {
  const tableCall = (page, table, kind) =>
    page.locator(`[data-testid=table-call][data-table="${table}"][data-kind=${kind}]`);
  const callStatus = (page, kind) => page.locator(`[data-testid=call-status][data-kind=${kind}]`);

  it("a guest at table 7 asks for the bill, the bartender's board shows it at once, and 'On my way' reaches the guest's phone", async () => {
    const bar = await openQueue();
    await markPage(bar.page);
    assert.equal(await bar.page.getByTestId("table-call").count(), 0, "nobody is calling yet");

    const guest = await guestAtTable("7", await newCustomer(server));
    const { page } = guest;
    await markPage(page);
    const askBill = page.getByTestId("ask-bill");
    assert.equal(await askBill.isDisabled(), false, "a table is set, so the guest can ask");
    assert.equal(await page.getByTestId("call-staff").isDisabled(), false);
    await askBill.click();
    const status = callStatus(page, "bill");
    await status.waitFor();
    assert.equal(await status.getAttribute("data-state"), "open");
    assert.match(await status.innerText(), /The bill is on its way — asked just now/);
    await until(async () => askBill.isDisabled(), "the button to wait while the call is open");
    assert.equal(await page.getByTestId("call-staff").isDisabled(), false, "the other kind is separate");

    // The board shows it at once, without a reload.
    const shown = tableCall(bar.page, "7", "bill");
    await shown.waitFor({ timeout: 10_000 });
    assert.match(await shown.innerText(), /Asks for the bill/);
    assert.equal(await bar.page.getByTestId("table-call").count(), 1);

    // A second tap from the API answers the same call: still one on the board.
    const token = await customerToken(page);
    const again = await api(server, "POST", "/api/calls", { token, body: { table: "7", kind: "bill" } });
    assert.equal(again.status, 200, JSON.stringify(again.json));
    assert.equal(again.json.id, await shown.getAttribute("data-call-id"));

    await shown.getByTestId("acknowledge-call").click();
    await until(async () => (await bar.page.getByTestId("table-call").count()) === 0, "the strip to empty");
    await until(async () => (await status.getAttribute("data-state")) === "acknowledged",
      "the guest's page to say the call was answered", 10_000);
    assert.match(await status.innerText(), /A bartender is coming/);
    await until(async () => !(await askBill.isDisabled()), "the button to be usable again");
    const barToken = (await storage(bar.page))[APPS.bartender.keys[0]];
    const open = await api(server, "GET", "/api/calls", { token: barToken });
    assert.deepEqual(open.json.calls, [], "no call left open");

    assert.equal(await reloaded(page), false, "the guest's page was not reloaded");
    assert.equal(await reloaded(bar.page), false, "the queue was not reloaded");
    assert.deepEqual([...bar.errors, ...guest.errors], []);
    await guest.context.close();
    await bar.context.close();
  });
});

describe("recall", () => {
  const recallRow = (page, id) => page.locator(`[data-testid=recall-row][data-order-id="${id}"]`);

  it("the bartender takes back a mistaken Mark ready from the Recall panel: the order is back in Preparing and the guest's page follows, live", async () => {
    const guest = await guestAtTable("9", await newCustomer(server));
    const { page } = guest;
    const placed = await placeOrder(server, await customerToken(page), { table: "9", lines: [["House Lager", 1]] });
    assert.equal(placed.status, 201, JSON.stringify(placed.json));
    const { id, number } = placed.json;
    await page.goto(`${server.url}/orders/${id}`);
    await page.getByTestId("order-status").waitFor();
    await untilLive(page, "the guest's order page");
    await markPage(page);
    const status = () => page.getByTestId("order-status").getAttribute("data-status");

    const bar = await openQueue();
    await markPage(bar.page);
    // A named region with a heading; empty until this screen bumps something.
    const panel = bar.page.getByRole("region", { name: "Recall", exact: true });
    await panel.waitFor();
    assert.equal(await panel.getByRole("heading", { name: "Recall" }).count(), 1);
    assert.equal(await panel.getByTestId("recall-empty").innerText(), "Bumps you make here can be undone for 5 minutes.");
    assert.equal(await panel.getByTestId("recall-row").count(), 0);

    // Two taps: preparing, then ready by mistake.
    await card(bar.page, id).getByTestId("advance").click();
    const preparing = bar.page.getByTestId("column-preparing").locator(`[data-order-id="${id}"]`);
    await preparing.waitFor();
    await preparing.getByTestId("advance").click();
    await bar.page.getByTestId("column-ready").locator(`[data-order-id="${id}"]`).waitFor();
    await page.getByTestId("ready-banner").waitFor({ timeout: 10_000 });

    // The panel offers the last bump of the order, in words.
    const row = recallRow(bar.page, id);
    await until(async () => (await row.count()) === 1 && (await row.getAttribute("data-to")) === "ready",
      "the recall row of Mark ready");
    assert.equal(await row.getAttribute("data-from"), "preparing");
    assert.equal(await panel.getByTestId("recall-empty").count(), 0, "no empty-state line");
    assert.match(await row.innerText(), new RegExp(`Order ${number} · table 9 · Ready → Preparing`));
    const button = bar.page.getByRole("button", { name: `Recall order ${number}: back to preparing`, exact: true });
    const box = await button.boundingBox();
    assert.ok(box.height >= 44, `the Recall button is ${box.height} px tall`);

    await button.click();
    const back = bar.page.getByTestId("column-preparing").locator(`[data-order-id="${id}"]`);
    await back.waitFor();
    assert.equal(await back.getAttribute("data-status"), "preparing");
    await until(async () => (await bar.page.getByTestId("column-ready").locator(`[data-order-id="${id}"]`).count()) === 0,
      "the order to leave the Ready column");
    await until(async () => (await row.count()) === 0, "the recalled row to leave the panel");
    await panel.getByTestId("recall-empty").waitFor();

    // The guest's page follows, without a reload.
    await until(async () => (await status()) === "preparing", "the guest's page to say preparing again", 10_000);
    await page.getByTestId("ready-banner").waitFor({ state: "detached" });
    const stored = await api(server, "GET", `/api/orders/${id}`, { token: await customerToken(page) });
    assert.equal(stored.json.status, "preparing");
    assert.equal(stored.json.version, 4);
    assert.equal(stored.json.ready_at, null);

    // Bumped on again; someone else serves it just as the recall is tapped:
    // the panel says why it could not be recalled, and the row goes.
    await back.getByTestId("advance").click();
    await until(async () => (await row.count()) === 1 && (await row.getAttribute("data-version")) === "5",
      "the recall row of the new bump");
    const staff = (await storage(bar.page))[APPS.bartender.keys[0]];
    await bar.page.route(/\/api\/orders\/[^/]+\/recall$/, async (route) => {
      const served = await advanceOrder(server, staff, id, "served");
      assert.equal(served.status, 200, JSON.stringify(served.json));
      await route.continue();
    });
    await bar.page.getByRole("button", { name: `Recall order ${number}: back to preparing`, exact: true }).click();
    const notice = bar.page.getByTestId("recall-notice");
    await notice.waitFor({ timeout: 10_000 });
    assert.match(await notice.innerText(), new RegExp(`^Order ${number}: Someone changed this order meanwhile \\(it is now served\\)`));
    await until(async () => (await row.count()) === 0, "the refused row to leave the panel");
    await until(async () => (await bar.page.locator(`[data-testid=order-card][data-order-id="${id}"]`).count()) === 0,
      "the served order to leave the board");
    const after = await api(server, "GET", `/api/orders/${id}`, { token: await customerToken(page) });
    assert.equal(after.json.status, "served", "the recall changed nothing");
    await until(async () => (await status()) === "served", "the guest's page to say served");

    assert.equal(await reloaded(page), false, "the guest's page was not reloaded");
    assert.equal(await reloaded(bar.page), false, "the queue was not reloaded");
    assert.deepEqual([...bar.errors, ...guest.errors], []);
    await guest.context.close();
    await bar.context.close();
  });
});

describe("deactivation", () => {
  /** Deactivates `email` on the admin's users page. */
  async function deactivate(email) {
    const admin = await profile(browser, { width: 1366, height: 850 });
    await login(admin.page, server, "admin", DEMO.admin);
    await admin.page.getByRole("link", { name: "Users", exact: true }).click();
    await admin.page.getByTestId("user-search").fill(email);
    const row = admin.page.locator(`[data-testid=user-row][data-email="${email}"]`);
    await row.waitFor();
    await until(async () => (await admin.page.getByTestId("user-row").count()) === 1, "the search to narrow the list");
    assert.equal(await row.getAttribute("data-active"), "true");
    await row.getByTestId("deactivate").click();
    await row.getByTestId("confirm-deactivate").click();
    await until(async () => (await row.getAttribute("data-active")) === "false", "the row to show the user inactive");
    await admin.page.getByTestId("user-message").waitFor();
    assert.deepEqual(admin.errors, []);
    await admin.context.close();
  }

  it("a deactivated guest lands on the login page at their next action, keys cleared", async () => {
    const email = await newCustomer(server);
    const guest = await profile(browser, PHONE);
    const { page } = guest;
    // No live stream, so only the next action can tell.
    await cutLiveStream(guest.context);
    await login(page, server, "customer", email);
    await menuItem(page, "Negroni").waitFor();
    await add(page, "Negroni");
    const token = await customerToken(page);

    await deactivate(email);
    assert.equal((await api(server, "GET", "/api/auth/me", { token })).status, 401);
    assert.equal(pathOf(page), "/", "still on the menu before acting");

    await goTo(page, "My orders");
    await until(async () => pathOf(page) === "/login", "the login page");
    assert.deepEqual(await sessionKeysLeft(page, "customer"), [], "session keys left in storage");
    assert.match(await page.locator(".notice").innerText(), /session has ended/);
    // Signing in again is refused while deactivated.
    await page.locator("button[type=submit]:not([disabled])").waitFor();
    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await page.click("button[type=submit]");
    await page.getByTestId("form-error").waitFor();
    assert.deepEqual(await sessionKeysLeft(page, "customer"), []);
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
  });

  it("with the live stream open, a deactivated guest is sent to the login page by itself", async () => {
    const email = await newCustomer(server);
    const guest = await guestAtTable("1", email);
    const { page } = guest;
    await deactivate(email);
    await until(async () => pathOf(page) === "/login", "the login page without any action", 15_000);
    assert.deepEqual(await sessionKeysLeft(page, "customer"), []);
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
  });
});

describe("server restart", () => {
  it("the bartender's queue shows reconnecting while the server is down, then catches up and goes live again, without a reload", async (t) => {
    const bar = await openQueue();
    const { page } = bar;
    await markPage(page);
    const email = await newCustomer(server);
    const { access_token: token } = await apiLogin(server, email, "customer");
    const ticketFailures = [];
    page.on("requestfailed", (r) => { if (r.url().includes("/api/events/ticket")) ticketFailures.push(r.url()); });
    const states = [];
    const watcher = setInterval(async () => {
      const state = await liveState(page).catch(() => null);
      if (state && states.at(-1) !== state) states.push(state);
    }, 50);

    try {
      await server.halt();
      await until(async () => (await liveState(page)) === "reconnecting", "the badge to say reconnecting", 10_000);
      assert.equal(await page.getByTestId("board").evaluate((b) => b.classList.contains("stale")), true,
        "the board is marked stale while reconnecting");
      // Let the backoff grow, so the next reconnect is seconds away.
      await until(async () => ticketFailures.length >= 3, "three failed reconnects", 20_000);
      await server.resume();
      // Placed the moment the server is back, most likely before the queue has reconnected.
      const placed = await placeOrder(server, token, { table: "12", lines: [["Irish Stout", 3]] });
      const stateAtPlacement = await liveState(page);
      t.diagnostic(`live-status when the order was placed: ${stateAtPlacement}`);
      assert.equal(placed.status, 201, JSON.stringify(placed.json));
      const first = page.getByTestId("column-received").locator(`[data-order-id="${placed.json.id}"]`);
      await first.waitFor({ timeout: 20_000 });
      assert.equal(await first.getAttribute("data-table"), "12");
      await untilLive(page, "the queue after the restart");

      // And the stream is live again: a new order arrives without a reload.
      const next = await placeOrder(server, token, { table: "1", lines: [["Cola", 1]] });
      assert.equal(next.status, 201);
      await page.getByTestId("column-received").locator(`[data-order-id="${next.json.id}"]`).waitFor({ timeout: 10_000 });
    } finally {
      clearInterval(watcher);
    }
    t.diagnostic(`live-status went ${states.join(" → ")}`);
    assert.ok(states.includes("reconnecting"), `states seen: ${states}`);
    assert.equal(states.at(-1), "live");
    assert.equal(await reloaded(page), false, "the queue was not reloaded");
    assert.equal(pathOf(page), "/bartender", "still on the queue");
    assert.deepEqual(await sessionKeysLeft(page, "bartender"), APPS.bartender.keys, "still signed in");
    assert.deepEqual(bar.errors, []);
    await bar.context.close();
  });
});
