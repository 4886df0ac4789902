// Options on menu items in headless Chromium against the real release
// server: the admin gives House Lager a required "Size" (Pint, Half pint
// −2.50) and optional "Extras" in the menu editor; a guest's open menu
// takes them live, the price follows the choice, the same item with two
// choices makes two cart lines, and the order carries them to the guest's
// order page and the bartender's card and "all day" strip; the bartender
// marks the half pint sold out and open menus show it at once. A cart
// holding a choice that sells out cannot be sent until the line goes; a
// price changed behind a guest's back is refused and the cart kept. In the
// same editor, a category's items are put in order with the arrows and
// deleted only after the question is answered "Yes"; a category with items
// cannot be deleted.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEMO, PASSWORD, api, apiLogin, login, markPage, newCustomer, pathOf, reloaded, startBrowser, startServer,
  storage, until,
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
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 850 };
const ITEM = "House Lager";

const cartLine = (page, name, options) =>
  page.locator(`[data-testid=cart-line][data-item-name="${name}"][data-options="${options}"]`);
const price = (cents) => (cents / 100).toFixed(2);
/** The label of the option `name` in `panel`: the inner locator is matched
 *  inside each label, so it is built from the page, not the panel. */
const choiceLabel = (page, panel, name) =>
  panel.locator("label", { has: page.locator(`[data-option-name="${name}"]`) });

/** Signs a guest in at `table` from its link, on a phone; live unless `cut`. */
const guestAtTable = (table, email, { cut = false } = {}) => guestAt(browser, server, table, email, PHONE, { cut });

/** The bartender's queue on a tablet, loaded and live. */
const openQueue = () => barScreen(browser, server, TABLET);

/** Clicks "Add" on a plain menu item and waits for its line to count one more. */
async function addPlain(page, name) {
  const quantity = async () => {
    const shown = page.locator(`[data-testid=cart-line][data-item-name="${name}"]`).getByTestId("quantity");
    return (await shown.count()) === 0 ? 0 : Number(await shown.innerText());
  };
  const before = await quantity();
  await menuItem(page, name).getByTestId("add").click();
  await until(async () => (await quantity()) === before + 1, `${name} × ${before + 1} in the cart`);
}

/** Opens the item's options panel and answers it. */
async function openOptions(page, name = ITEM) {
  await menuItem(page, name).getByTestId("add").click();
  const panel = menuItem(page, name).getByTestId("options-panel");
  await panel.waitFor();
  return panel;
}

/** Adds `ITEM` with the size `size` (a radio of the open panel) to the cart. */
async function addWithSize(page, size) {
  const panel = await openOptions(page);
  await panel.locator(`[data-testid=option][data-option-name="${size}"]`).check();
  await panel.getByTestId("add-with-options").click();
  await panel.waitFor({ state: "detached" });
}

const ORDER_PATH = /^\/orders\/([0-9a-f-]{36})$/;
async function placedOrderId(page) {
  await until(async () => ORDER_PATH.test(pathOf(page)), "the order's page", 20_000);
  return pathOf(page).match(ORDER_PATH)[1];
}

/** House Lager as the API has it, with its option ids by name. */
async function lager() {
  const menu = await api(server, "GET", "/api/menu");
  const item = menu.json.categories.flatMap((c) => c.items).find((i) => i.name === ITEM);
  const options = Object.fromEntries(item.option_groups.flatMap((g) => g.options.map((o) => [o.name, o.id])));
  return { item, options };
}

/** The groups the first test types in the admin's form, for tests that set them through the API. */
const GROUPS = [
  { name: "Size", min_choices: 1, max_choices: 1, options: [
    { name: "Pint", price_delta_cents: 0 }, { name: "Half pint", price_delta_cents: -250 }] },
  { name: "Extras", min_choices: 0, max_choices: 2, options: [
    { name: "Lime", price_delta_cents: 20 }, { name: "Shot", price_delta_cents: 300 }, { name: "Ice", price_delta_cents: 0 }] },
];

/** House Lager with its options, all on sale, at 5.50, whatever the tests before left. */
async function freshLager() {
  const { access_token: admin } = await apiLogin(server, DEMO.admin, "admin");
  let { item } = await lager();
  if (item.option_groups.length === 0 || item.price_cents !== 550) {
    const body = { price_cents: 550 };
    if (item.option_groups.length === 0) body.option_groups = GROUPS;
    const res = await api(server, "PATCH", `/api/menu/items/${item.id}`, { token: admin, body });
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
  const { access_token: staff } = await apiLogin(server, DEMO.bartender, "bartender");
  const current = await lager();
  for (const id of Object.values(current.options)) {
    const res = await setOption(staff, current.item.id, id, true);
    assert.equal(res.status, 200, JSON.stringify(res.json));
  }
  return { ...(await lager()), admin, staff };
}

/** Marks an option available or not through the API (staff). */
const setOption = (token, itemId, optionId, available) =>
  api(server, "PUT", `/api/menu/items/${itemId}/options/${optionId}/availability`, { token, body: { available } });

describe("options", () => {
  it("the admin gives House Lager a size and extras; a guest chooses, sees the price follow, orders two sizes, and the bar sees both; a half pint sold out at the bar reaches the open menu", async () => {
    // The guest is already looking at the menu: the options arrive live.
    const guest = await guestAtTable("7", await newCustomer(server));
    const { page } = guest;
    await markPage(page);
    assert.equal(await menuItem(page, ITEM).getByTestId("add").getAttribute("aria-expanded"), null,
      "a plain item: Add adds");

    // The admin types the groups into the item's form.
    const admin = await profile(browser, DESKTOP);
    await login(admin.page, server, "admin", DEMO.admin);
    await admin.page.getByRole("link", { name: "Menu", exact: true }).click();
    const row = admin.page.locator(`[data-testid=editor-item][data-item-name="${ITEM}"]`);
    await row.waitFor();
    await row.getByTestId("edit-item").click();
    const form = row.getByTestId("edit-item-form");
    await form.waitFor();
    const groups = form.getByTestId("option-group-editor");
    const optionOf = (group, n) => group.getByTestId("option-editor").nth(n);

    await form.getByTestId("add-option-group").click();
    const size = groups.nth(0);
    await size.getByTestId("group-name").fill("Size");
    assert.equal(await size.getByTestId("group-required").isChecked(), true, "a new group is required");
    assert.equal(await size.getByTestId("group-max").inputValue(), "1");
    await optionOf(size, 0).getByTestId("option-name").fill("Pint");
    await size.getByTestId("add-option").click();
    await optionOf(size, 1).getByTestId("option-name").fill("Half pint");
    // More off than the lager costs: the shared rule says so before sending.
    await optionOf(size, 1).getByTestId("option-price").fill("-6.00");

    await form.getByTestId("add-option-group").click();
    const extras = groups.nth(1);
    await extras.getByTestId("group-name").fill("Extras");
    await extras.getByTestId("group-required").uncheck();
    await extras.getByTestId("group-max").fill("2");
    await optionOf(extras, 0).getByTestId("option-name").fill("Lime");
    await optionOf(extras, 0).getByTestId("option-price").fill("0.20");
    for (const [n, [name, delta]] of [["Shot", "+3.00"], ["Ice", ""]].entries()) {
      await extras.getByTestId("add-option").click();
      await optionOf(extras, n + 1).getByTestId("option-name").fill(name);
      await optionOf(extras, n + 1).getByTestId("option-price").fill(delta);
    }
    // A row's own buttons: a group and an option added by mistake move, then go.
    const values = (fields) => fields.evaluateAll((inputs) => inputs.map((i) => i.value));
    await form.getByTestId("add-option-group").click();
    await groups.nth(2).getByTestId("group-name").fill("Spare");
    assert.equal(await groups.nth(2).getByTestId("group-down").isDisabled(), true, "the last group cannot go down");
    await groups.nth(2).getByTestId("group-up").click();
    assert.deepEqual(await values(groups.getByTestId("group-name")), ["Size", "Spare", "Extras"]);
    const removeGroup = groups.nth(1).getByTestId("remove-option-group");
    assert.equal(await removeGroup.getAttribute("aria-label"), "Remove group “Spare”");
    assert.equal(await removeGroup.innerText(), "Remove group");
    await removeGroup.click();
    await extras.getByTestId("add-option").click();
    await optionOf(extras, 3).getByTestId("option-name").fill("Spare");
    await optionOf(extras, 3).getByTestId("option-up").click();
    assert.deepEqual(await values(extras.getByTestId("option-name")), ["Lime", "Shot", "Spare", "Ice"]);
    await optionOf(extras, 2).getByTestId("option-down").click();
    assert.deepEqual(await values(extras.getByTestId("option-name")), ["Lime", "Shot", "Ice", "Spare"]);
    const removeOption = optionOf(extras, 3).getByTestId("remove-option");
    assert.equal(await removeOption.getAttribute("aria-label"), "Remove option “Spare”");
    await removeOption.click();
    assert.deepEqual(await values(groups.getByTestId("group-name")), ["Size", "Extras"]);
    assert.deepEqual(await values(extras.getByTestId("option-name")), ["Lime", "Shot", "Ice"]);
    const patches = [];
    admin.page.on("request", (r) => { if (r.method() === "PATCH") patches.push(r); });
    await form.getByTestId("save-item").click();
    const problem = form.getByTestId("form-error");
    await problem.waitFor();
    assert.match(await problem.innerText(), /price could fall to -0\.50/);
    assert.equal(patches.length, 0, "nothing was sent");

    await optionOf(size, 1).getByTestId("option-price").fill("-2.50");
    await form.getByTestId("save-item").click();
    await form.waitFor({ state: "detached" });
    await until(async () => /^Size \(choose 1\): Pint, Half pint −2\.50 · Extras \(choose up to 2\): Lime \+0\.20, Shot \+3\.00, Ice$/
      .test(await row.getByTestId("editor-item-options").innerText()), "the editor to list the options");
    const saved = JSON.parse(patches[0].postData());
    assert.deepEqual(saved.option_groups.map((g) => [g.name, g.min_choices, g.max_choices, g.options.map((o) => [o.name, o.price_delta_cents])]), [
      ["Size", 1, 1, [["Pint", 0], ["Half pint", -250]]],
      ["Extras", 0, 2, [["Lime", 20], ["Shot", 300], ["Ice", 0]]],
    ]);

    // The guest's menu took them live: Add now opens the options.
    const add = menuItem(page, ITEM).getByTestId("add");
    await until(async () => (await add.getAttribute("aria-expanded")) === "false", "the guest's menu to take the options");
    const panel = await openOptions(page);
    assert.equal(await add.getAttribute("aria-expanded"), "true");
    assert.deepEqual(await panel.locator("legend").allInnerTexts(), ["Size · choose 1 · required", "Extras · choose up to 2"]);
    const pint = panel.getByRole("radio", { name: "Pint", exact: true });
    const half = panel.getByRole("radio", { name: /^Half pint/ });
    assert.equal(await pint.isChecked(), true, "the required size starts on its first option");
    assert.match(await choiceLabel(page, panel, "Half pint").innerText(), /^Half pint\s*−2\.50$/);
    assert.match(await choiceLabel(page, panel, "Pint").innerText(), /^Pint$/, "no price difference, no number");
    const shown = () => panel.getByTestId("options-price").innerText();
    assert.equal(await shown(), "5.50");
    await half.check();
    await until(async () => (await shown()) === "3.00", "the half pint's price");
    assert.match(await panel.locator(".options-total").innerText(), /^Add · 3\.00$/);

    // Extras: up to two; the third waits until one is unticked.
    const extra = (name) => panel.getByRole("checkbox", { name: new RegExp(`^${name}`) });
    await extra("Lime").check();
    await extra("Shot").check();
    await until(async () => (await shown()) === "6.20", "the extras' prices");
    assert.equal(await extra("Ice").isDisabled(), true, "no third extra");
    await extra("Shot").uncheck();
    await extra("Lime").uncheck();
    assert.equal(await extra("Ice").isDisabled(), false);
    assert.equal(await shown(), "3.00");

    // Half pint into the cart, then a pint, then a half pint again.
    await panel.getByTestId("add-with-options").click();
    await panel.waitFor({ state: "detached" });
    const halves = cartLine(page, ITEM, "Half pint");
    await halves.waitFor();
    assert.equal(await halves.getByTestId("line-options").innerText(), "Half pint");
    assert.equal(await halves.locator(".cart-line-total").innerText(), "3.00");
    await addWithSize(page, "Pint");
    const pints = cartLine(page, ITEM, "Pint");
    await pints.waitFor();
    assert.equal(await pints.locator(".cart-line-total").innerText(), "5.50");
    await addWithSize(page, "Half pint");
    await until(async () => (await halves.getByTestId("quantity").innerText()) === "2", "two half pints on one line");
    assert.equal(await page.locator(`[data-testid=cart-line][data-item-name="${ITEM}"]`).count(), 2, "two lines, one per size");
    assert.equal(await halves.locator(".cart-line-total").innerText(), "6.00");
    assert.equal(await page.getByTestId("cart-total").innerText(), "11.50");
    assert.match(await menuItem(page, ITEM).locator(".in-cart").innerText(), /^3 in order$/);
    const kept = JSON.parse((await storage(page)).customer_cart);
    assert.deepEqual(kept.lines.map((l) => [l.name, l.chosen.map((o) => o.name).join(", "), l.quantity, l.unit_price_cents]),
      [[ITEM, "Half pint", 2, 300], [ITEM, "Pint", 1, 550]], "the stored cart keeps the options");

    // The bartender's queue is open when the order comes in.
    const bar = await openQueue();
    await markPage(bar.page);
    const posts = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/api/orders") posts.push(JSON.parse(r.postData()));
    });
    await page.getByTestId("place-order").click();
    const id = await placedOrderId(page);
    const { options } = await lager();
    assert.deepEqual(posts[0].lines.map((l) => [l.options, l.quantity, l.unit_price_cents]), [
      [[options["Half pint"]], 2, 300],
      [[options.Pint], 1, 550],
    ], "each line names its options and the price shown");

    // The guest's order page: each line with its options under its name.
    await page.getByTestId("order-status").waitFor();
    assert.deepEqual(await page.getByTestId("order-line").getByTestId("line-options").allInnerTexts(), ["Half pint", "Pint"]);
    assert.equal(await page.getByTestId("order-total").innerText(), "11.50");

    // The bartender's card: both lines, each with its options; "all day"
    // counts the two sizes apart.
    const shownCard = card(bar.page, id);
    await shownCard.waitFor({ timeout: 10_000 });
    const lines = shownCard.locator(`[data-testid=order-line][data-item-name="${ITEM}"]`);
    assert.equal(await lines.count(), 2);
    assert.deepEqual(await lines.getByTestId("line-options").allInnerTexts(), ["Half pint", "Pint"]);
    assert.match(await lines.nth(0).innerText(), /2\s*×\s*House Lager[\s\S]*Half pint/);
    const allDay = (name) => bar.page.getByTestId("all-day").locator(`[data-testid=all-day-item][data-item-name="${name}"]`);
    await until(async () => (await allDay(`${ITEM} (Half pint)`).getAttribute("data-count")) === "2", "all day to count the half pints");
    assert.equal(await allDay(`${ITEM} (Pint)`).getAttribute("data-count"), "1");

    // Back on the menu, the guest opens the lager again…
    await page.getByRole("link", { name: "Back to the menu" }).click();
    await until(async () => pathOf(page) === "/", "the menu");
    await menuItem(page, ITEM).waitFor();
    await untilLive(page, "the guest's menu");
    const again = await openOptions(page);
    const halfPint = again.locator('[data-testid=option][data-option-name="Half pint"]');
    assert.equal(await halfPint.isDisabled(), false);

    // …while the bartender marks the half pint sold out.
    await bar.page.getByTestId("open-availability").click();
    const lagerRow = bar.page.getByTestId("availability-panel")
      .locator(`[data-testid=availability-item][data-item-name="${ITEM}"]`);
    const halfRow = lagerRow.locator('[data-testid=availability-option][data-option-name="Half pint"]');
    await halfRow.waitFor();
    assert.equal(await halfRow.getAttribute("data-available"), "true");
    assert.equal(await lagerRow.getByTestId("availability-option").count(), 5, "every option of the lager");
    await halfRow.getByRole("button", { name: "Mark Half pint sold out" }).click();
    await until(async () => (await halfRow.getAttribute("data-available")) === "false", "the panel to show it sold out");
    // The live event can show it sold out before the request's answer
    // clears the button's "Saving…": the button then offers to undo it.
    const toggle = halfRow.getByTestId("toggle-option");
    await until(async () => (await toggle.innerText()) === "Half pint is back", "the button to offer it back");
    assert.equal(await lagerRow.getAttribute("data-available"), "true", "the lager itself is still on");

    // The guest's open panel shows it at once, still open, without a reload.
    await until(async () => (await halfPint.getAttribute("data-available")) === "false", "the guest's panel to show it sold out", 10_000);
    assert.equal(await halfPint.isDisabled(), true);
    assert.match(await choiceLabel(page, again, "Half pint").innerText(), /sold out/);
    assert.equal(await again.getByRole("radio", { name: "Pint", exact: true }).isChecked(), true);
    await again.getByTestId("cancel-options").click();
    await again.waitFor({ state: "detached" });
    assert.equal(await reloaded(page), false, "the guest's menu was not reloaded");
    assert.equal(await reloaded(bar.page), false, "the queue was not reloaded");
    assert.deepEqual([...guest.errors, ...admin.errors, ...bar.errors], []);
    for (const p of [guest, admin, bar]) await p.context.close();
  });

  it("a choice in the cart that sells out blocks the order, says why, and Add to cart refuses it, until the line is removed", async () => {
    const { item, options, staff } = await freshLager();
    const guest = await guestAtTable("4", await newCustomer(server));
    const { page } = guest;
    await addWithSize(page, "Half pint");
    await addPlain(page, "Cola");
    // The panel open again on the half pint, not added yet.
    const panel = await openOptions(page);
    const halfPint = panel.locator('[data-testid=option][data-option-name="Half pint"]');
    await halfPint.check();
    await markPage(page);

    const sold = await setOption(staff, item.id, options["Half pint"], false);
    assert.equal(sold.status, 200, JSON.stringify(sold.json));
    assert.equal(sold.json.option_groups[0].options[1].available, false, "the answer is the item");

    const message = "House Lager: “Half pint” is sold out right now; choose another.";
    const blocked = page.getByTestId("cart-blocked");
    await blocked.waitFor({ timeout: 10_000 });
    assert.equal(await blocked.innerText(), `${message} Remove that line to place the order.`);
    const halves = cartLine(page, ITEM, "Half pint");
    assert.match(await halves.getByTestId("line-problem").innerText(), new RegExp(`^${message} Remove$`));
    assert.equal(await page.getByTestId("place-order").isDisabled(), true, "Place order waits");

    // Add to cart stays usable, and says why instead of adding.
    await until(async () => halfPint.isDisabled(), "the half pint to turn sold out in the panel");
    await panel.getByTestId("add-with-options").click();
    const refusal = panel.getByTestId("options-error");
    await refusal.waitFor();
    assert.equal(await refusal.innerText(), message);
    assert.equal(await refusal.getAttribute("role"), "alert");
    assert.equal(await halves.getByTestId("quantity").innerText(), "1", "nothing added");
    await panel.getByTestId("cancel-options").click();

    await halves.getByTestId("remove-line").click();
    await blocked.waitFor({ state: "detached" });
    assert.equal(await page.getByTestId("place-order").isDisabled(), false);
    await page.getByTestId("place-order").click();
    await placedOrderId(page);
    assert.equal(await page.getByTestId("order-total").innerText(), "3.00", "the cola alone");
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
  });

  it("a price changed since the guest's menu loaded is refused with the server's sentence, the cart kept and repriced", async () => {
    const { item, admin } = await freshLager();
    // No live stream: the guest's menu stays as loaded.
    const guest = await guestAtTable("12", await newCustomer(server), { cut: true });
    const { page } = guest;
    await addWithSize(page, "Pint");
    const pints = cartLine(page, ITEM, "Pint");
    assert.equal(await pints.locator(".cart-line-total").innerText(), "5.50");

    try {
      const dearer = await api(server, "PATCH", `/api/menu/items/${item.id}`, { token: admin, body: { price_cents: 600 } });
      assert.equal(dearer.status, 200, JSON.stringify(dearer.json));
      const answers = [];
      page.on("response", (r) => {
        if (r.request().method() === "POST" && new URL(r.url()).pathname === "/api/orders") answers.push(r.status());
      });
      await page.getByTestId("place-order").click();
      const refusal = page.getByTestId("form-error");
      await refusal.waitFor();
      assert.deepEqual(answers, [409]);
      assert.notEqual((await refusal.innerText()).trim(), "", "the server's sentence");
      assert.equal(pathOf(page), "/", "no order page");
      // The menu, read again, reprices the kept line.
      await until(async () => (await pints.locator(".cart-line-total").innerText()) === price(600), "the line at the new price");
      assert.equal(await pints.getByTestId("quantity").innerText(), "1");
      await page.getByTestId("place-order").click();
      await placedOrderId(page);
      assert.equal(await page.getByTestId("order-total").innerText(), "6.00");
    } finally {
      const back = await api(server, "PATCH", `/api/menu/items/${item.id}`, { token: admin, body: { price_cents: 550 } });
      assert.equal(back.status, 200, JSON.stringify(back.json));
    }
    assert.deepEqual(guest.errors, []);
    await guest.context.close();
  });
});

describe("menu editor", () => {
  it("the admin renames a new category, orders its items with the arrows, deletes each after confirming, then the emptied category", async () => {
    const { page } = await profile(browser, DESKTOP);
    await login(page, server, "admin", DEMO.admin);
    await page.getByRole("link", { name: "Menu", exact: true }).click();
    await page.getByTestId("new-category-name").fill("Specals");
    await page.getByTestId("add-category").click();
    // A typo, renamed: the form starts from the name as it is.
    const typo = page.locator(`[data-testid=editor-category][data-category-name="Specals"]`);
    await typo.getByTestId("rename-category").click();
    const rename = typo.getByTestId("category-name-input");
    assert.equal(await rename.inputValue(), "Specals");
    await rename.fill("Specials");
    await typo.getByTestId("save-category").click();
    const card = page.locator(`[data-testid=editor-category][data-category-name="Specials"]`);
    await card.waitFor();
    assert.equal(await card.locator("h2.category-name").innerText(), "Specials");
    assert.equal(await card.getByTestId("category-name-input").count(), 0, "the form closed");
    const item = (name) => card.locator(`[data-testid=editor-item][data-item-name="${name}"]`);
    const form = card.getByTestId("add-item-form");
    for (const [name, price] of [["Toastie", "4.50"], ["Soup", "5.00"]]) {
      await form.getByTestId("item-name").fill(name);
      await form.getByTestId("item-price").fill(price);
      await form.getByTestId("add-item").click();
      await item(name).waitFor();
    }
    const order = () => card.getByTestId("editor-item").evaluateAll((rows) => rows.map((r) => r.dataset.itemName));
    assert.deepEqual(await order(), ["Toastie", "Soup"]);

    // The first cannot go up, the last cannot go down; the labels name the item.
    const up = item("Toastie").getByTestId("item-up");
    assert.equal(await up.isDisabled(), true);
    assert.equal(await up.getAttribute("aria-label"), "Move Toastie up");
    assert.equal(await item("Soup").getByTestId("item-down").isDisabled(), true);
    await item("Toastie").getByTestId("item-down").click();
    await until(async () => (await order())[0] === "Soup", "Soup to come first");
    assert.deepEqual(await order(), ["Soup", "Toastie"]);
    await until(async () => !(await item("Toastie").getByTestId("item-up").isDisabled()), "Toastie can go up again");

    // A category with items cannot be deleted, and says why.
    const deleteCategory = card.getByTestId("delete-category");
    assert.equal(await deleteCategory.isDisabled(), true);
    assert.equal(await deleteCategory.getAttribute("title"), "Delete or move its items first");

    // "No" leaves the item; "Yes, delete" deletes it.
    await item("Soup").getByTestId("delete-item").click();
    const question = item("Soup").getByRole("group", { name: "Confirm deleting the item" });
    assert.match(await question.innerText(), /^Delete Soup\?/);
    await question.getByRole("button", { name: "No" }).click();
    await question.waitFor({ state: "detached" });
    await item("Soup").getByTestId("delete-item").click();
    await item("Soup").getByTestId("confirm-delete-item").click();
    await item("Soup").waitFor({ state: "detached" });
    await item("Toastie").getByTestId("delete-item").click();
    await item("Toastie").getByTestId("confirm-delete-item").click();
    await item("Toastie").waitFor({ state: "detached" });

    // Emptied, the category can go; the page says what happened.
    await until(async () => !(await deleteCategory.isDisabled()), "the empty category's Delete");
    assert.equal(await deleteCategory.getAttribute("title"), null);
    await deleteCategory.click();
    assert.match(await card.getByRole("group", { name: "Confirm deleting the category" }).innerText(), /^Delete Specials\?/);
    await card.getByTestId("confirm-delete-category").click();
    await card.waitFor({ state: "detached" });
    await until(async () => (await page.getByTestId("notice").allInnerTexts()).includes("The category was deleted."), "the notice");
  });
});
