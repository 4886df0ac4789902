// An evening at the bar in headless Chromium against the real release
// server, on the demo menu's two stations: a guest at table 5 orders a
// half pint of Hazy IPA and a Cheeseburger from a phone; the bar's tablet
// (set to the Bar station) shows only the beer and the kitchen's (set to
// the Kitchen) only the burger; each marks its part ready and only then is
// the order ready on the guest's phone, while the expo view follows which
// station it waits on. The guest's tab shows the total; the guest asks for
// the bill, the bartender opens the tab, splits it in two equal parts,
// confirms closing it with the order not yet served, and the guest's phone
// says "Paid, thank you" live.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEMO, api, apiLogin, barScreen, card, goTo, guestAtTable, markPage, menuItem, newCustomer, pathOf, startBrowser,
  startServer, until, untilLive,
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
const ORDER_PATH = /^\/orders\/([0-9a-f-]{36})$/;

/** Opens an item's options, picks `choice` (a radio) and adds it. */
async function addWith(page, name, choice) {
  await menuItem(page, name).getByTestId("add").click();
  const panel = menuItem(page, name).getByTestId("options-panel");
  await panel.waitFor();
  await panel.locator(`[data-testid=option][data-option-name="${choice}"]`).check();
  await panel.getByTestId("add-with-options").click();
  await panel.waitFor({ state: "detached" });
}

/** Sets a bartender's screen to the station (or "All", "Expo") named `name`. */
async function showStation(page, name) {
  const choice = page.getByTestId("station-choice").filter({ hasText: new RegExp(`^${name}$`) });
  await choice.click();
  await until(async () => (await choice.getAttribute("aria-pressed")) === "true", `the ${name} screen`);
}

/** The names of the lines a card shows. */
const lineNames = (ticket) => ticket.getByTestId("order-line").evaluateAll(
  (lines) => lines.map((l) => l.getAttribute("data-item-name")));

describe("an evening", () => {
  it("a pint and a burger go to the bar and the kitchen, both mark ready, the tab is split in two and paid", async () => {
    const guest = await guestAtTable(browser, server, "5", await newCustomer(server), PHONE);
    const { page } = guest;
    await markPage(page);
    const bar = await barScreen(browser, server, TABLET);
    const kitchen = await barScreen(browser, server, TABLET);
    await showStation(bar.page, "Bar");
    await showStation(kitchen.page, "Kitchen");

    // The guest orders a half pint and a burger, medium.
    await addWith(page, "Hazy IPA", "Half pint");
    await addWith(page, "Cheeseburger", "Medium");
    await page.getByTestId("place-order").click();
    await until(async () => ORDER_PATH.test(pathOf(page)), "the order's page", 20_000);
    const id = pathOf(page).match(ORDER_PATH)[1];
    const status = page.getByTestId("order-status");
    assert.equal(await status.getAttribute("data-status"), "received");

    // Each station's screen shows its own line of the order, live.
    const atBar = card(bar.page, id);
    const atKitchen = card(kitchen.page, id);
    await atBar.waitFor({ timeout: 10_000 });
    await atKitchen.waitFor({ timeout: 10_000 });
    assert.deepEqual(await lineNames(atBar), ["Hazy IPA"]);
    assert.match(await atBar.getByTestId("line-options").innerText(), /Half pint/);
    assert.deepEqual(await lineNames(atKitchen), ["Cheeseburger"]);
    assert.match(await atKitchen.getByTestId("line-options").innerText(), /Medium/);
    assert.equal(await atBar.getByTestId("advance").innerText(), "Ready");

    // The bar pours first: the beer leaves its screen, the order is only
    // preparing (the kitchen is still at it), and the kitchen's ticket says
    // nothing more is waiting elsewhere.
    await atBar.getByTestId("advance").click();
    await atBar.waitFor({ state: "detached", timeout: 10_000 });
    await until(async () => (await status.getAttribute("data-status")) === "preparing",
      "the guest's page to say preparing", 10_000);
    assert.equal(await page.getByTestId("ready-banner").count(), 0, "not ready while the kitchen works");
    await until(async () => (await atKitchen.getAttribute("data-status")) === "preparing",
      "the kitchen's ticket to follow");

    // Expo shows the whole order, waiting on the kitchen only.
    await showStation(bar.page, "Expo");
    const expo = card(bar.page, id);
    await expo.waitFor();
    assert.deepEqual((await lineNames(expo)).sort(), ["Cheeseburger", "Hazy IPA"]);
    const chips = async () => (await expo.getByTestId("station-chip").allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(await chips(), ["Bar ✓ ready", "Kitchen … waiting"]);

    // The kitchen marks the burger: now the order is ready everywhere.
    await atKitchen.getByTestId("advance").click();
    await atKitchen.waitFor({ state: "detached", timeout: 10_000 });
    await page.getByTestId("ready-banner").waitFor({ timeout: 10_000 });
    assert.equal(await status.getAttribute("data-status"), "ready");
    await until(async () => (await chips()).join() === "Bar ✓ ready,Kitchen ✓ ready", "expo to show both ready");
    assert.equal(await expo.getAttribute("data-status"), "ready");

    // The guest asks for the bill; the board shows it.
    await page.getByTestId("ask-bill").click();
    const call = bar.page.locator("[data-testid=table-call][data-table=\"5\"][data-kind=bill]");
    await call.waitFor({ timeout: 10_000 });

    // The guest's tab: both lines and the total, 3.80 + 12.50.
    await goTo(page, "My orders");
    const panel = page.getByTestId("tab-panel");
    await panel.waitFor();
    assert.equal(await panel.getAttribute("data-status"), "open");
    assert.equal((await panel.getByTestId("tab-total").innerText()).trim(), "16.30");
    await untilLive(page, "the guest's orders page");

    // The bartender answers the call and opens the tabs.
    await call.getByTestId("acknowledge-call").click();
    await goTo(bar.page, "Tabs");
    const row = bar.page.locator("[data-testid=tab-row]").filter({ hasText: "Table 5" });
    await row.waitFor();
    assert.match(await row.innerText(), /16\.30/);
    assert.match(await row.getByTestId("tab-open").innerText(), /1 open/);
    await row.click();
    const detail = bar.page.getByTestId("tab-detail");
    await detail.waitFor();
    assert.equal((await detail.getByTestId("tab-total").innerText()).trim(), "16.30");
    assert.equal(await detail.getByTestId("tab-line").count(), 2);

    // Split in two equal parts, by card.
    await detail.locator("[data-mode=equal]").click();
    await detail.getByTestId("tab-part-count").fill("2");
    const parts = detail.getByTestId("tab-part");
    await until(async () => (await parts.count()) === 2, "two parts");
    for (const text of await parts.allInnerTexts()) {
      assert.match(text, /8\.15/);
    }

    // The order is ready but not served: closing asks first.
    await detail.getByTestId("tab-close").click();
    const asked = detail.getByTestId("tab-confirm");
    await asked.waitFor({ timeout: 10_000 });
    assert.match(await asked.innerText(), /1 order/);
    await detail.getByTestId("tab-close-anyway").click();
    await row.waitFor({ state: "detached", timeout: 10_000 });

    // The guest's phone says so, live.
    const paid = panel.getByTestId("tab-paid");
    await paid.waitFor({ timeout: 10_000 });
    assert.match(await paid.innerText(), /Paid, thank you/);
    assert.match(await paid.innerText(), /8\.15.*8\.15/);
    assert.equal(await panel.getAttribute("data-status"), "paid");

    // No tab is left open at table 5, and the paid one cannot be closed again.
    const { access_token: staff } = await apiLogin(server, DEMO.bartender, "bartender");
    const open = await api(server, "GET", "/api/tabs", { token: staff });
    assert.equal(open.status, 200);
    assert.equal(open.json.tabs.filter((t) => t.table === "5").length, 0);
    const tabId = await panel.getAttribute("data-tab-id");
    const tab = await api(server, "GET", `/api/tabs/${tabId}`, { token: staff });
    const again = await api(server, "POST", `/api/tabs/${tabId}/close`, {
      token: staff, body: { version: tab.json.version, split: { kind: "whole", method: "cash" } },
    });
    assert.equal(again.status, 409);
    assert.equal(again.json.error, "tab_closed");

    for (const screen of [guest, bar, kitchen]) {
      assert.deepEqual(screen.errors, []);
      await screen.context.close();
    }
  });
});
