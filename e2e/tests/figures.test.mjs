// The dashboard's "Figures" in headless Chromium against the real release
// server: two orders placed through the API (one taken to ready) show as
// bars of the hour they were placed in, with the same numbers in the
// hidden tables screen readers read, and the item among the best sellers;
// picking yesterday, a day without orders, says so; the week to today
// shows both on today's bar of seven.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DEMO, advanceOrder, apiLogin, login, placeOrder, startBrowser, startServer, until,
  profile,
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

const DESKTOP = { width: 1366, height: 850 };
const ITEM = "House Lager";

/** A date as the date input takes it: the browser's local `YYYY-MM-DD`. */
const dayOf = (date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
/** `14` → `"14:00–15:00"`, as the bars' titles and the tables name an hour. */
const span = (hour) => `${String(hour).padStart(2, "0")}:00–${String(hour + 1).padStart(2, "0")}:00`;

describe("figures by hour", () => {
  it("the admin's dashboard charts today's orders by hour, time to ready and best sellers, and an empty day says so", async () => {
    const guest = await apiLogin(server, DEMO.customer, "customer");
    const bartender = await apiLogin(server, DEMO.bartender, "bartender");
    const first = await placeOrder(server, guest.access_token, { table: "3", lines: [[ITEM, 2]] });
    assert.equal(first.status, 201, JSON.stringify(first.json));
    const second = await placeOrder(server, guest.access_token, { table: "3", lines: [[ITEM, 1]] });
    assert.equal(second.status, 201, JSON.stringify(second.json));
    for (const status of ["preparing", "ready"]) {
      const moved = await advanceOrder(server, bartender.access_token, first.json.id, status);
      assert.equal(moved.status, 200, JSON.stringify(moved.json));
    }
    // The hours the orders were placed in, local to this machine (the
    // server's and the browser's): the same one unless an hour turned
    // between the two requests.
    const perHour = {};
    for (const order of [first.json, second.json]) {
      const hour = new Date(order.created_at).getHours();
      perHour[hour] = (perHour[hour] ?? 0) + 1;
    }

    const desk = await profile(browser, DESKTOP);
    const { page } = desk;
    await login(page, server, "admin", DEMO.admin);
    const picker = page.getByTestId("figures-day");
    await picker.waitFor();
    await until(async () => (await picker.inputValue()) === dayOf(new Date()), "the picker to show today");
    const chart = page.getByTestId("hour-orders-chart");
    await chart.waitFor();
    assert.equal(await chart.locator("rect").count(), 24, "a bar per hour");
    assert.equal(await chart.getAttribute("role"), "img");
    assert.match(await chart.getAttribute("aria-label"), /2 in all/);
    const table = page.getByTestId("hour-orders-table");
    for (const [hour, orders] of Object.entries(perHour)) {
      const title = await chart.locator(`rect[data-hour="${hour}"] title`).textContent();
      const said = orders === 1 ? "1 order" : `${orders} orders`;
      assert.ok(title.startsWith(`${span(Number(hour))}: ${said}, `), title);
      const row = table.locator(`tr[data-hour="${hour}"]`);
      assert.equal((await row.locator("th").textContent()).trim(), span(Number(hour)));
      assert.equal((await row.locator("td").textContent()).trim(), String(orders));
    }
    const total = await table.locator("tbody td").allTextContents();
    assert.equal(total.length, 24);
    assert.equal(total.reduce((sum, n) => sum + Number(n), 0), 2, "the hidden table holds the same numbers");

    const ready = page.getByTestId("ready-table");
    const readyCounts = await ready.locator("tbody td").allTextContents();
    assert.equal(readyCounts.reduce((sum, n) => sum + Number(n), 0), 1, "one order got to ready");
    assert.match(await page.getByTestId("ready-summary").innerText(), /^Half were ready within .+; 9 in 10 within .+\.$/);

    const sellers = page.getByTestId("sellers-table");
    const rows = sellers.locator("tbody tr");
    assert.equal(await rows.count(), 1);
    assert.equal((await rows.first().locator("th").textContent()).trim(), ITEM);
    assert.equal((await rows.first().locator("td").first().textContent()).trim(), "3");
    assert.match(await page.getByTestId("sellers-chart").textContent(), new RegExp(ITEM));

    // Yesterday: no orders on this server's fresh database.
    const yesterday = new Date();
    yesterday.setDate(yesterday.getDate() - 1);
    await picker.fill(dayOf(yesterday));
    await page.getByTestId("figures-empty").waitFor();
    assert.equal(await page.getByTestId("figures-empty").innerText(), "No orders on this day.");
    assert.equal(await page.getByTestId("hour-orders-chart").count(), 0);
    // And back to today.
    await picker.fill(dayOf(new Date()));
    await until(async () => (await page.getByTestId("hour-orders-chart").count()) === 1, "today's charts again");

    // The week to today: a bar per day, today's holding both orders.
    await page.getByTestId("figures-span-week").check();
    const week = page.getByTestId("day-orders-chart");
    await week.waitFor();
    assert.equal(await week.locator("rect").count(), 7, "a bar per day");
    assert.match(await week.getAttribute("aria-label"), /2 in all/);
    const days = await page.getByTestId("day-orders-table").locator("tbody tr").all();
    assert.equal(days.length, 7);
    assert.equal(await days[6].getAttribute("data-day"), dayOf(new Date()), "today comes last");
    assert.equal((await days[6].locator("td").textContent()).trim(), "2");
    for (const row of days.slice(0, 6)) {
      assert.equal((await row.locator("td").textContent()).trim(), "0");
    }
    assert.equal(await page.getByTestId("day-revenue-chart").locator("rect").count(), 7);
    // The time to ready covers the week too, and says so.
    assert.match(await page.getByTestId("ready-chart").getAttribute("aria-label"), /^Time from received to ready: \d+ of the week's orders got there\./);
    // A week ending yesterday holds nothing.
    await picker.fill(dayOf(yesterday));
    await page.getByTestId("figures-empty").waitFor();
    assert.equal(await page.getByTestId("figures-empty").innerText(), "No orders in this week.");

    assert.deepEqual(desk.errors, []);
    await desk.context.close();
  });
});
