//! The dashboard's charts of one day or one week, drawn as inline SVG:
//! orders and revenue per hour (per day over a week), time to ready, best
//! sellers. Every chart is an image
//! with a summary for screen readers (`role="img"`, `aria-label`) and is
//! followed by a visually hidden table of the same numbers. Scaling and
//! wording are pure functions, tested below; the views only lay them out.

use leptos::prelude::*;
use shared::bar::{
    format_price, BestSeller, DayFigures, DayTotals, FiguresSpan, HourFigures, ReadyBucket,
    ReadyTimes,
};

use crate::column_heads;

/// Width of one hour's slot in the hour charts, in SVG units.
const HOUR_SLOT: f64 = 20.0;
/// Height of the tallest bar of a vertical chart.
const PLOT_HEIGHT: f64 = 140.0;
/// Where vertical bars stand.
const BASELINE: f64 = 145.0;
/// Height of a vertical chart: bars, then a row of labels.
const CHART_HEIGHT: f64 = 170.0;
/// Width of one day's slot in the week charts.
const DAY_SLOT: f64 = 60.0;
/// Width of one bucket's slot in the time-to-ready chart.
const BUCKET_SLOT: f64 = 60.0;
/// Best sellers: the names' column, the longest bar, a row's height.
const NAME_WIDTH: f64 = 170.0;
const SELLER_BAR_MAX: f64 = 240.0;
const SELLER_ROW: f64 = 28.0;

/// Bar lengths for `values`, scaled so the largest is `max_px`; all zero
/// when no value is above zero (negative values draw as zero).
pub(crate) fn bar_heights(values: &[i64], max_px: f64) -> Vec<f64> {
    let max = values.iter().copied().max().unwrap_or(0);
    if max <= 0 {
        return vec![0.0; values.len()];
    }
    values
        .iter()
        .map(|&v| v.max(0) as f64 / max as f64 * max_px)
        .collect()
}

/// An hour of the day as a clock reads it: `9` → `"09:00"`.
pub(crate) fn hour_label(hour: u32) -> String {
    format!("{hour:02}:00")
}

/// The hour from its start to its end: `"14:00–15:00"`, `"23:00–24:00"`.
pub(crate) fn hour_span(hour: u32) -> String {
    format!("{}–{}", hour_label(hour), hour_label(hour + 1))
}

/// `"1 order"`, `"12 orders"`.
pub(crate) fn orders_text(n: i64) -> String {
    format!("{n} order{}", if n == 1 { "" } else { "s" })
}

/// A bar's tooltip: `"{when}: 12 orders, 84.50"`.
fn bar_title(when: String, orders: i64, revenue_cents: i64) -> String {
    let revenue = format_price(revenue_cents);
    format!("{when}: {}, {revenue}", orders_text(orders))
}

/// A bar's tooltip in the hour charts: `"14:00–15:00: 12 orders, 84.50"`.
pub(crate) fn hour_title(hour: &HourFigures) -> String {
    bar_title(hour_span(hour.hour), hour.orders, hour.revenue_cents)
}

/// A time to ready as people say it: under a minute in seconds, else in
/// whole minutes rounded up (a "within" bound must not be undersold).
pub(crate) fn within_text(seconds: i64) -> String {
    if seconds < 60 {
        // Under a second still reads as "within 1 s", not "within 0 s".
        format!("{} s", seconds.max(1))
    } else {
        format!("{} min", (seconds + 59) / 60)
    }
}

/// The sentence beside the time-to-ready chart, over a day or a `week`.
pub(crate) fn ready_summary(ready: &ReadyTimes, week: bool) -> String {
    match (ready.p50_seconds, ready.p90_seconds) {
        (Some(p50), Some(p90)) => format!(
            "Half were ready within {}; 9 in 10 within {}.",
            within_text(p50),
            within_text(p90)
        ),
        _ if week => "No order was ready in this week.".to_owned(),
        _ => "No order was ready on this day.".to_owned(),
    }
}

/// A bucket's label: `"≤ 5 min"`, and for the last, open-ended one,
/// `"> 20 min"` (the bound of the bucket before it).
pub(crate) fn bucket_label(buckets: &[ReadyBucket], index: usize) -> String {
    let bound = |at: usize| buckets.get(at).and_then(|b| b.up_to_minutes);
    match bound(index) {
        Some(m) => format!("≤ {m} min"),
        None => format!("> {} min", bound(index.wrapping_sub(1)).unwrap_or(0)),
    }
}

/// A `YYYY-MM-DD` day as the week charts label it: `"Mon 30"`; the text
/// itself if it is not such a day.
pub(crate) fn day_label(day: &str) -> String {
    const NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    let parts: Vec<i64> = day.split('-').filter_map(|p| p.parse().ok()).collect();
    let [year, month @ 1..=12, date] = parts[..] else {
        return day.to_owned();
    };
    // Sakamoto's method: the day of the week of a Gregorian date.
    const OFFSETS: [i64; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let weekday = (y + y / 4 - y / 100 + y / 400 + OFFSETS[(month - 1) as usize] + date) % 7;
    format!("{} {date}", NAMES[weekday.rem_euclid(7) as usize])
}

/// A bar's tooltip in the week charts: `"Mon 30: 12 orders, 84.50"`.
pub(crate) fn day_title(day: &DayTotals) -> String {
    bar_title(day_label(&day.day), day.orders, day.revenue_cents)
}

/// An amount as the charts say it: a price, or a count.
fn amount(revenue: bool, value: i64) -> String {
    if revenue {
        format_price(value)
    } else {
        value.to_string()
    }
}

/// The screen reader's summary of a chart headed `head`: the total of
/// `values` and the busiest row, the first of equals, as `name` says it.
fn summary(head: String, values: &[i64], revenue: bool, name: impl Fn(usize) -> String) -> String {
    // `max_by_key` keeps the last of equals: reversed, the first.
    let best = values.iter().enumerate().rev().filter(|(_, v)| **v > 0);
    match best.max_by_key(|(_, v)| **v) {
        Some((at, value)) => format!(
            "{head}: {} in all, most {} ({}).",
            amount(revenue, values.iter().sum()),
            name(at),
            amount(revenue, *value)
        ),
        None => format!("{head}: none."),
    }
}

/// What a chart of orders, or of revenue, is called.
fn measure(revenue: bool) -> &'static str {
    if revenue {
        "Revenue"
    } else {
        "Orders"
    }
}

/// The screen reader's summary of a week chart.
pub(crate) fn week_summary(days: &[DayTotals], revenue: bool) -> String {
    let what = measure(revenue);
    let (Some(first), Some(last)) = (days.first(), days.last()) else {
        return format!("{what} per day: none.");
    };
    let values: Vec<i64> = days
        .iter()
        .map(|d| if revenue { d.revenue_cents } else { d.orders })
        .collect();
    let head = format!("{what} per day from {} to {}", first.day, last.day);
    summary(head, &values, revenue, |at| {
        format!("on {}", day_label(&days[at].day))
    })
}

/// The screen reader's summary of the orders (or revenue) per hour chart.
pub(crate) fn hours_summary(day: &str, hours: &[HourFigures], revenue: bool) -> String {
    let values: Vec<i64> = hours
        .iter()
        .map(|h| if revenue { h.revenue_cents } else { h.orders })
        .collect();
    let head = format!("{} per hour on {day}", measure(revenue));
    summary(head, &values, revenue, |at| {
        format!("from {}", hour_span(hours[at].hour))
    })
}

/// One decimal is plenty for SVG coordinates.
fn px(value: f64) -> String {
    format!("{value:.1}")
}

/// One day's (or week's) charts, or a line saying it had no orders.
pub(crate) fn day_charts(figures: DayFigures) -> AnyView {
    let week = figures.span == FiguresSpan::Week;
    // `day`: what the hour charts' summaries say they cover.
    let (empty, day, orders_title, revenue_title) = if week {
        (
            "No orders in this week.",
            format!("{} to {}", figures.from, figures.day),
            "Orders by hour of day, over the week",
            "Revenue by hour of day, over the week",
        )
    } else {
        (
            "No orders on this day.",
            figures.day,
            "Orders per hour",
            "Revenue per hour",
        )
    };
    if figures.hours.iter().all(|h| h.orders == 0) {
        return view! { <p class="empty" data-testid="figures-empty">{empty}</p> }.into_any();
    }
    let per_day = week.then(|| {
        view! {
            {card("chart-day-orders", "Orders per day", week_chart(&figures.days, false))}
            {card("chart-day-revenue", "Revenue per day", week_chart(&figures.days, true))}
        }
    });
    view! {
        <div class="charts">
            {per_day}
            {card("chart-orders", orders_title, hour_chart(&day, &figures.hours, false))}
            {card("chart-revenue", revenue_title, hour_chart(&day, &figures.hours, true))}
            {card("chart-ready", "Time to ready", ready_chart(figures.to_ready, week))}
            {card("chart-sellers", "Best sellers", best_sellers_chart(figures.best_sellers))}
        </div>
    }
    .into_any()
}

/// A chart's card, headed `title`.
fn card(testid: &'static str, title: &'static str, chart: impl IntoView) -> impl IntoView {
    view! {
        <section class="chart card" data-testid=testid>
            <h3>{title}</h3>
            {chart}
        </section>
    }
}

/// One column of a column chart, and its row of the hidden table.
struct Column {
    value: i64,
    /// The column's `data-day` or `data-hour`, for finding it again.
    day: Option<String>,
    hour: Option<String>,
    /// Its label under the column, if it has one.
    tick: Option<String>,
    /// What hovering it says.
    title: String,
    /// Its row's heading in the table.
    row: String,
}

/// What a column chart is called, in the page and in its test ids.
struct Names {
    label: String,
    class: &'static str,
    /// Its values are revenue, said as prices, rather than counts.
    revenue: bool,
    /// Beside a note rather than the width of its card.
    narrow: bool,
    /// Test ids `{id}-chart` and `{id}-table`.
    id: String,
    caption: String,
    /// The table's first column heading; the second is [`measure`]'s.
    heading: &'static str,
}

/// The names of a chart of orders or of revenue per `per` ("day", whose
/// rows are headed `heading`, "Day"): test ids `{per}-orders-chart`,
/// `{per}-revenue-table` and so on, caption "Orders per day".
fn names(revenue: bool, per: &'static str, heading: &'static str, label: String) -> Names {
    let column = measure(revenue);
    Names {
        label,
        class: if revenue {
            "chart-bar revenue"
        } else {
            "chart-bar"
        },
        revenue,
        narrow: false,
        id: format!("{per}-{}", column.to_lowercase()),
        caption: format!("{column} per {per}"),
        heading,
    }
}

/// Vertical bars in slots of `slot` units, `gap` apart, with a visually
/// hidden table of the same figures.
fn column_chart(columns: Vec<Column>, slot: f64, gap: f64, names: Names) -> impl IntoView {
    let values: Vec<i64> = columns.iter().map(|c| c.value).collect();
    let heights = bar_heights(&values, PLOT_HEIGHT);
    let width = slot * columns.len() as f64;
    let view_box = format!("0 0 {} {}", px(width), px(CHART_HEIGHT));
    let mut bars = Vec::new();
    let mut rows = Vec::new();
    for (i, (c, height)) in columns.into_iter().zip(heights).enumerate() {
        let x = i as f64 * slot;
        let tick = c.tick.map(|tick| {
            view! {
                <text x=px(x + slot / 2.0) y=px(CHART_HEIGHT - 8.0) text-anchor="middle">
                    {tick}
                </text>
            }
        });
        bars.push(view! {
            <rect
                class=names.class
                data-day=c.day.clone()
                data-hour=c.hour.clone()
                x=px(x + gap)
                y=px(BASELINE - height)
                width=px(slot - 2.0 * gap)
                height=px(height)
            >
                <title>{c.title}</title>
            </rect>
            {tick}
        });
        rows.push(view! {
            <tr data-day=c.day data-hour=c.hour>
                <th scope="row">{c.row}</th>
                <td>{amount(names.revenue, c.value)}</td>
            </tr>
        });
    }
    view! {
        <svg
            class=if names.narrow { "chart-svg chart-narrow" } else { "chart-svg" }
            role="img"
            aria-label=names.label
            viewBox=view_box
            data-testid=format!("{}-chart", names.id)
        >
            <line class="chart-baseline" x1="0" x2=px(width) y1=px(BASELINE) y2=px(BASELINE) />
            {bars}
        </svg>
        <table class="visually-hidden" data-testid=format!("{}-table", names.id)>
            <caption>{names.caption}</caption>
            {column_heads![names.heading, measure(names.revenue)]}
            <tbody>{rows}</tbody>
        </table>
    }
}

/// Orders (or revenue) per day of a week: seven bars, each labelled.
fn week_chart(days: &[DayTotals], revenue: bool) -> impl IntoView {
    let columns = days
        .iter()
        .map(|d| Column {
            value: if revenue { d.revenue_cents } else { d.orders },
            day: Some(d.day.clone()),
            hour: None,
            tick: Some(day_label(&d.day)),
            title: day_title(d),
            row: day_label(&d.day),
        })
        .collect();
    let names = names(revenue, "day", "Day", week_summary(days, revenue));
    column_chart(columns, DAY_SLOT, 10.0, names)
}

/// Orders (or revenue) per hour: 24 bars, the hours labelled every three.
fn hour_chart(day: &str, hours: &[HourFigures], revenue: bool) -> impl IntoView {
    let columns = hours
        .iter()
        .map(|h| Column {
            value: if revenue { h.revenue_cents } else { h.orders },
            day: None,
            hour: Some(h.hour.to_string()),
            tick: h.hour.is_multiple_of(3).then(|| hour_label(h.hour)),
            title: hour_title(h),
            row: hour_span(h.hour),
        })
        .collect();
    let names = names(revenue, "hour", "Hour", hours_summary(day, hours, revenue));
    column_chart(columns, HOUR_SLOT, 3.0, names)
}

/// Orders per time-to-ready bucket, with the median and 90th percentile
/// in words beside them.
fn ready_chart(ready: ReadyTimes, week: bool) -> impl IntoView {
    let summary = ready_summary(&ready, week);
    let span = if week { "week" } else { "day" };
    let label = format!(
        "Time from received to ready: {} of the {span}'s orders got there. {summary}",
        ready.count
    );
    let columns = ready
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let name = bucket_label(&ready.buckets, i);
            Column {
                value: b.orders,
                day: None,
                hour: None,
                tick: Some(name.clone()),
                title: format!("{name}: {}", orders_text(b.orders)),
                row: name,
            }
        })
        .collect();
    let names = Names {
        label,
        class: "chart-bar ready",
        revenue: false,
        narrow: true,
        id: "ready".to_owned(),
        caption: "Orders by time from received to ready".to_owned(),
        heading: "Ready",
    };
    view! {
        <div class="chart-with-note">
            {column_chart(columns, BUCKET_SLOT, 10.0, names)}
            <p class="chart-note" data-testid="ready-summary">{summary}</p>
        </div>
    }
}

/// The day's best sellers as horizontal bars, named, with their quantity.
fn best_sellers_chart(sellers: Vec<BestSeller>) -> AnyView {
    if sellers.is_empty() {
        return view! { <p class="empty">"Nothing sold on this day."</p> }.into_any();
    }
    let values: Vec<i64> = sellers.iter().map(|s| s.quantity).collect();
    let lengths = bar_heights(&values, SELLER_BAR_MAX);
    let height = SELLER_ROW * sellers.len() as f64;
    let width = NAME_WIDTH + SELLER_BAR_MAX + 50.0;
    let view_box = format!("0 0 {} {}", px(width), px(height));
    let named: Vec<_> = sellers
        .iter()
        .map(|s| format!("{} {}", s.name, s.quantity))
        .collect();
    let label = format!("Best sellers by quantity: {}.", named.join(", "));
    let bars = sellers
        .iter()
        .zip(lengths)
        .enumerate()
        .map(|(i, (seller, length))| {
            let y = i as f64 * SELLER_ROW;
            let revenue = format_price(seller.revenue_cents);
            let title = format!("{}: {} sold, {revenue}", seller.name, seller.quantity);
            view! {
                <text class="chart-name" x=px(NAME_WIDTH - 8.0) y=px(y + 18.0) text-anchor="end">
                    {seller.name.clone()}
                </text>
                <rect
                    class="chart-bar seller"
                    x=px(NAME_WIDTH)
                    y=px(y + 5.0)
                    width=px(length)
                    height=px(SELLER_ROW - 10.0)
                >
                    <title>{title}</title>
                </rect>
                <text x=px(NAME_WIDTH + length + 6.0) y=px(y + 18.0)>
                    {seller.quantity.to_string()}
                </text>
            }
        })
        .collect_view();
    let rows = sellers
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <th scope="row">{s.name.clone()}</th>
                    <td>{s.quantity.to_string()}</td>
                    <td>{format_price(s.revenue_cents)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <svg
            class="chart-svg"
            role="img"
            aria-label=label
            viewBox=view_box
            data-testid="sellers-chart"
        >
            {bars}
        </svg>
        <table class="visually-hidden" data-testid="sellers-table">
            <caption>"Best sellers"</caption>
            {column_heads!["Item", "Quantity", "Revenue"]}
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hour(hour: u32, orders: i64, revenue_cents: i64) -> HourFigures {
        HourFigures {
            hour,
            orders,
            revenue_cents,
        }
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        assert_eq!(bar_heights(&[0, 5, 10], 100.0), vec![0.0, 50.0, 100.0]);
        assert_eq!(bar_heights(&[3, -1], 30.0), vec![30.0, 0.0]);
        assert_eq!(bar_heights(&[0, 0], 100.0), vec![0.0, 0.0]);
        assert!(bar_heights(&[], 100.0).is_empty());
    }

    #[test]
    fn hours_read_as_a_clock_does() {
        assert_eq!(hour_label(0), "00:00");
        assert_eq!(hour_label(9), "09:00");
        assert_eq!(hour_span(23), "23:00–24:00");
        assert_eq!(
            hour_title(&hour(14, 12, 8450)),
            "14:00–15:00: 12 orders, 84.50"
        );
        assert_eq!(hour_title(&hour(7, 1, 550)), "07:00–08:00: 1 order, 5.50");
    }

    #[test]
    fn ready_times_are_said_as_upper_bounds() {
        assert_eq!(within_text(45), "45 s");
        assert_eq!(within_text(0), "1 s");
        assert_eq!(within_text(240), "4 min");
        assert_eq!(within_text(601), "11 min");
        let ready = |count, p50_seconds, p90_seconds| ReadyTimes {
            count,
            p50_seconds,
            p90_seconds,
            buckets: Vec::new(),
        };
        assert_eq!(
            ready_summary(&ready(3, Some(240), Some(650)), false),
            "Half were ready within 4 min; 9 in 10 within 11 min."
        );
        let none = ready(0, None, None);
        assert_eq!(
            ready_summary(&none, false),
            "No order was ready on this day."
        );
        assert_eq!(
            ready_summary(&none, true),
            "No order was ready in this week."
        );
    }

    #[test]
    fn the_open_bucket_is_named_after_the_last_bound() {
        let bucket = |up_to_minutes, orders| ReadyBucket {
            up_to_minutes,
            orders,
        };
        let buckets = [bucket(Some(2), 1), bucket(Some(20), 0), bucket(None, 2)];
        assert_eq!(bucket_label(&buckets, 0), "≤ 2 min");
        assert_eq!(bucket_label(&buckets, 2), "> 20 min");
    }

    #[test]
    fn days_are_labelled_with_their_weekday() {
        assert_eq!(day_label("2026-11-30"), "Mon 30");
        assert_eq!(day_label("2026-12-06"), "Sun 6");
        assert_eq!(day_label("2024-02-29"), "Thu 29");
        assert_eq!(day_label("2027-01-01"), "Fri 1");
        assert_eq!(day_label("not a day"), "not a day");
        assert_eq!(day_label("2026-13-01"), "2026-13-01");
    }

    #[test]
    fn week_summaries_name_the_total_and_the_busiest_day() {
        let day = |day: &str, orders, revenue_cents| DayTotals {
            day: day.to_owned(),
            orders,
            revenue_cents,
        };
        let days = vec![
            day("2026-11-30", 3, 1650),
            day("2026-12-01", 0, 0),
            day("2026-12-02", 5, 1100),
        ];
        assert_eq!(
            week_summary(&days, false),
            "Orders per day from 2026-11-30 to 2026-12-02: 8 in all, most on Wed 2 (5)."
        );
        assert_eq!(
            week_summary(&days, true),
            "Revenue per day from 2026-11-30 to 2026-12-02: 27.50 in all, most on Mon 30 (16.50)."
        );
        assert_eq!(
            week_summary(&days[1..2], false),
            "Orders per day from 2026-12-01 to 2026-12-01: none."
        );
        assert_eq!(day_title(&days[0]), "Mon 30: 3 orders, 16.50");
    }

    #[test]
    fn summaries_name_the_total_and_the_busiest_hour() {
        let hours = vec![hour(10, 2, 3300), hour(11, 2, 1650), hour(13, 1, 550)];
        assert_eq!(
            hours_summary("2026-12-08", &hours, false),
            "Orders per hour on 2026-12-08: 5 in all, most from 10:00–11:00 (2)."
        );
        assert_eq!(
            hours_summary("2026-12-08", &hours, true),
            "Revenue per hour on 2026-12-08: 55.00 in all, most from 10:00–11:00 (33.00)."
        );
        assert_eq!(
            hours_summary("2026-12-07", &[hour(0, 0, 0)], false),
            "Orders per hour on 2026-12-07: none."
        );
    }
}
