//! The bar scenarios, on a server started with `--demo` (its menu and
//! accounts): orders placed per second, how fast an order's change reaches
//! many open event streams, and the server's memory with many active
//! sessions and open streams.
//!
//! Memory comes first, on a fresh server, so that nothing the other
//! scenarios allocated (and the allocator kept) hides in its figures. The
//! streams it opens then time the event delivery, and orders run last.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::StreamExt;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};
use shared::bar::{MenuResponse, Order};
use tokio::sync::mpsc;

use super::{
    client, drive, line, post, register, start, verdict, Backend, Figures, Options, Server,
};

/// The demo accounts' password (`serve --demo`).
const DEMO_PASSWORD: &str = "taproom-demo";
const BARTENDER: &str = "bartender@taproom.test";
const ADMIN: &str = "admin@taproom.test";

/// Logins in flight at once: enough to keep the hashing threads busy.
const LOGIN_CONCURRENCY: usize = 16;

/// Sessions per bench customer: few accounts, so that creating 10,000
/// sessions costs logins (one argon2id verification each), not sign-ups.
const SESSIONS_PER_CUSTOMER: usize = 100;

/// Longest wait for one change to reach every stream; later is missed.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);

/// Target for the event delivery p99.
const EVENT_P99_TARGET_MS: f64 = 250.0;

/// Runs the bar scenarios on one backend; false if anything failed.
pub(super) async fn run(backend: &Backend, opts: &Options) -> bool {
    let server = start(backend, true, &opts.server, false).await;
    println!(
        "\n{} bar — {} customers ordering, {} streams, {} sessions",
        backend.name(),
        opts.clients,
        opts.streams,
        opts.sessions
    );
    let (memory, streams) = match measure_memory(&server, opts).await {
        Ok(measured) => measured,
        Err(e) => {
            println!("  streams: {e}");
            return false;
        }
    };
    let delivery = time_delivery(&server.base, &memory.staff_token, streams, opts.changes).await;
    let menu = menu(&client(), &server.base).await;
    let plain = plain_items(&menu);
    let (orders, order_errors) = place_orders(&server.base, opts, order_body(&plain)).await;
    let (with_options, option_errors) =
        place_orders(&server.base, opts, options_body(&menu, &plain)).await;

    line("POST /api/orders", &orders);
    for (what, n) in &order_errors {
        println!("      {n} × {what}");
    }
    line("POST /api/orders +options", &with_options);
    for (what, n) in &option_errors {
        println!("      {n} × {what}");
    }
    delivery.print(opts.streams);
    memory.print(opts);
    println!("  targets:");
    let ratio = delivery.p99_ms / EVENT_P99_TARGET_MS;
    println!(
        "    event p99 / {EVENT_P99_TARGET_MS:.0} ms              {:>6.1}%   (target <= 100%)  {}",
        ratio * 100.0,
        // A missed delivery is later than any target.
        verdict(ratio <= 1.0 && delivery.missed == 0)
    );
    println!(
        "    missed deliveries              {:>7}   (target 0)        {}",
        delivery.missed,
        verdict(delivery.missed == 0)
    );
    orders.errors == 0 && with_options.errors == 0 && delivery.clean() && memory.clean()
}

/// The dashboard's answer at most this long (p50), with a busy day behind it.
const DASHBOARD_TARGET_MS: f64 = 100.0;
/// Dashboard loads timed, one after another.
const DASHBOARD_LOADS: usize = 50;

/// The admin dashboard's figures (`GET /api/admin/figures`, today) over a
/// day of `opts.day_orders` orders placed through the API by `opts.clients`
/// customers, half with a line with options, one in ten taken to ready by
/// the bartender; then timed over [`DASHBOARD_LOADS`] loads one after
/// another, as admins open it, and checked against the orders placed.
pub(super) async fn dashboard(backend: &Backend, opts: &Options) -> bool {
    let server = start(backend, true, &opts.server, false).await;
    let n = opts.day_orders;
    println!(
        "\n{} dashboard — {n} orders today, one in ten taken to ready",
        backend.name()
    );
    let c = client();
    let base = server.base.clone();
    let menu = menu(&c, &base).await;
    let plain = plain_items(&menu);
    let bodies = Arc::new([order_body(&plain), options_body(&menu, &plain)]);
    let login = |email: &'static str| {
        let (c, url) = (c.clone(), format!("{base}/api/auth/login"));
        async move {
            let body = json!({"email": email, "password": DEMO_PASSWORD});
            access_token(post(&c, &url, &body).await).expect("a demo account signs in")
        }
    };
    let staff = Arc::new(login(BARTENDER).await);
    let admin = login(ADMIN).await;
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let failed: usize = futures::stream::iter(0..opts.clients)
        .map(|i| {
            let (base, bodies, staff, next) =
                (base.clone(), bodies.clone(), staff.clone(), next.clone());
            async move {
                let c = client();
                let (_, tokens) = register(&c, &base, i).await;
                let Some(token) = access_token(Some(tokens)) else {
                    return 1;
                };
                let mut failed = 0;
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if k >= n {
                        return failed;
                    }
                    let res = c
                        .post(format!("{base}/api/orders"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                        .json(&at_table(&bodies[k % 2], k / 2))
                        .send()
                        .await;
                    let order = match res {
                        Ok(r) if r.status() == StatusCode::CREATED => r.json::<Order>().await.ok(),
                        _ => None,
                    };
                    let Some(mut order) = order else {
                        failed += 1;
                        continue;
                    };
                    if k % 10 != 0 {
                        continue;
                    }
                    for status in ["preparing", "ready"] {
                        let res = c
                            .post(format!("{base}/api/orders/{}/status", order.id))
                            .bearer_auth(&*staff)
                            .json(&json!({"status": status, "version": order.version}))
                            .send()
                            .await;
                        match res {
                            Ok(r) if r.status().is_success() => match r.json::<Order>().await {
                                Ok(o) => order = o,
                                Err(_) => failed += 1,
                            },
                            _ => failed += 1,
                        }
                    }
                }
            }
        })
        .buffer_unordered(opts.clients)
        .collect::<Vec<usize>>()
        .await
        .into_iter()
        .sum();
    println!(
        "  the day: {n} orders placed in {:.1} s ({failed} failed)",
        started.elapsed().as_secs_f64()
    );

    // Every order placed is today's (a run across midnight would split
    // them), so today and the week to today each hold them all, and one
    // in ten reached ready.
    let placed = (n - failed.min(n)) as i64;
    let mut clean = failed == 0;
    println!("  targets:");
    for span in ["day", "week"] {
        let url = format!("{base}/api/admin/figures?span={span}");
        let (p50, p99, wrong) = time_figures(&c, &url, &admin, placed).await;
        println!(
            "  GET /api/admin/figures?span={span:<4} {DASHBOARD_LOADS} loads   p50 {p50:>7.2} ms   p99 {p99:>7.2} ms{}",
            if wrong > 0 {
                format!("   ({wrong} wrong or failed)")
            } else {
                String::new()
            }
        );
        let ratio = p50 / DASHBOARD_TARGET_MS;
        println!(
            "    {span} p50 / {DASHBOARD_TARGET_MS:.0} ms              {:>6.1}%   (target <= 100%)  {}",
            ratio * 100.0,
            verdict(ratio <= 1.0 && wrong == 0)
        );
        clean &= wrong == 0;
    }
    clean
}

/// Loads the figures at `url` [`DASHBOARD_LOADS`] times: p50 and p99 in
/// milliseconds, and how many answers failed or did not count `placed`
/// orders with some ready.
async fn time_figures(
    c: &reqwest::Client,
    url: &str,
    admin: &str,
    placed: i64,
) -> (f64, f64, usize) {
    let mut took: Vec<u32> = Vec::with_capacity(DASHBOARD_LOADS);
    let mut wrong = 0;
    for _ in 0..DASHBOARD_LOADS {
        let sent = Instant::now();
        let res = c.get(url).bearer_auth(admin).send().await;
        let figures = match res {
            Ok(r) if r.status() == StatusCode::OK => r.json::<shared::bar::DayFigures>().await.ok(),
            _ => None,
        };
        took.push(sent.elapsed().as_micros() as u32);
        match figures {
            Some(f)
                if f.hours.iter().map(|h| h.orders).sum::<i64>() == placed
                    && f.days.iter().map(|d| d.orders).sum::<i64>() == placed
                    && f.to_ready.count > 0 => {}
            _ => wrong += 1,
        }
    }
    took.sort_unstable();
    (percentile(&took, 0.5), percentile(&took, 0.99), wrong)
}

/// The server's resident memory (KiB) along the way, and what it cost to
/// get there.
struct Memory {
    fresh: u64,
    /// After the hashing threads' first jobs: the baseline for sessions.
    warm: u64,
    sessions: u64,
    used: u64,
    streams: u64,
    /// Seconds to open the sessions.
    took: f64,
    open_errors: usize,
    use_errors: usize,
    /// A bartender's access token, for the status changes.
    staff_token: String,
}

/// Opens the sessions, uses each once and opens the streams (spread over
/// the bartender's sessions), reading the server's RSS after each step.
async fn measure_memory(server: &Server, opts: &Options) -> Result<(Memory, Streams), String> {
    let base = server.base.as_str();
    let fresh = rss_kib(server.pid);
    warm_hashers(base).await;
    let warm = rss_kib(server.pid);
    let staff = opts.streams.min(opts.sessions);
    let started = Instant::now();
    let opened = open_sessions(base, opts.sessions - staff, staff).await;
    let took = started.elapsed().as_secs_f64();
    let sessions = rss_kib(server.pid);
    let use_errors = use_sessions(base, opened.customer.iter().chain(&opened.staff)).await;
    let used = rss_kib(server.pid);
    let streams = open_streams(base, &opened.staff, opts.streams).await?;
    let memory = Memory {
        fresh,
        warm,
        sessions,
        used,
        streams: rss_kib(server.pid),
        took,
        open_errors: opened.errors,
        use_errors,
        staff_token: opened.staff[0].clone(),
    };
    Ok((memory, streams))
}

impl Memory {
    fn clean(&self) -> bool {
        self.open_errors == 0 && self.use_errors == 0
    }

    fn print(&self, opts: &Options) {
        let mib = |kib: u64| kib as f64 / 1024.0;
        let per =
            |from: u64, to: u64, n: usize| (to as f64 - from as f64) * 1024.0 / n.max(1) as f64;
        println!("  server memory (VmRSS):");
        println!("    {:<30} {:>8.1} MiB", "at start", mib(self.fresh));
        println!(
            "    {:<30} {:>8.1} MiB   (refused sign-ups and logins: argon2 memory kept)",
            "hashing threads warm",
            mib(self.warm)
        );
        println!(
            "    {:<30} {:>8.1} MiB   {:>+7.0} bytes/session   ({} sign-ups and logins in {:.1} s, {:.0}/s{})",
            format!("{} sessions opened", opts.sessions),
            mib(self.sessions),
            per(self.warm, self.sessions, opts.sessions),
            opts.sessions,
            self.took,
            opts.sessions as f64 / self.took,
            errors(self.open_errors),
        );
        println!(
            "    {:<30} {:>8.1} MiB   {:>+7.0} bytes/session   (one GET /api/auth/me each{})",
            "  … each used once",
            mib(self.used),
            per(self.sessions, self.used, opts.sessions),
            errors(self.use_errors),
        );
        println!(
            "    {:<30} {:>8.1} MiB   {:>+7.0} bytes/stream",
            format!("{} streams open", opts.streams),
            mib(self.streams),
            per(self.used, self.streams, opts.streams),
        );
    }
}

/// `", 3 errors"`, or nothing.
fn errors(n: usize) -> String {
    if n > 0 {
        format!(", {n} errors")
    } else {
        String::new()
    }
}

/// The VmRSS of a process, in KiB (0 if it cannot be read).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Has every hashing thread hash and verify once without opening a
/// session (a sign-up with a taken e-mail, logins with a wrong password):
/// each keeps its argon2 working memory (19 MiB) for good, which would
/// otherwise be counted against the first sessions.
async fn warm_hashers(base: &str) {
    let c = reqwest::Client::new();
    let calls = (0..LOGIN_CONCURRENCY).flat_map(|_| {
        [
            (
                "register",
                json!({"email": "customer@taproom.test", "password": "bench password", "name": "Bench"}),
            ),
            (
                "login",
                json!({"email": BARTENDER, "password": "not the password"}),
            ),
        ]
    });
    futures::stream::iter(calls)
        .map(|(path, body)| {
            let req = c.post(format!("{base}/api/auth/{path}")).json(&body);
            async move {
                let status = req.send().await.expect("reach the server").status();
                assert!(
                    status.is_client_error(),
                    "a warm-up {path} answered {status}"
                );
            }
        })
        .buffer_unordered(LOGIN_CONCURRENCY)
        .collect::<()>()
        .await;
}

/// Access tokens of the sessions opened, and how many attempts failed.
struct Opened {
    customer: Vec<String>,
    staff: Vec<String>,
    errors: usize,
}

/// Opens `customers` sessions of a few bench customers and `staff` sessions
/// of the demo bartender, each one a sign-up or a login.
async fn open_sessions(base: &str, customers: usize, staff: usize) -> Opened {
    let c = reqwest::Client::new();
    let accounts = customers.div_ceil(SESSIONS_PER_CUSTOMER);
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let email = |i: usize| format!("memory{i}-{tag}@taproom.test");
    // The sign-up opens each account's first session.
    let signed_up: Vec<Option<String>> = futures::stream::iter(0..accounts)
        .map(|i| {
            let body = json!({"email": email(i), "password": "bench password", "name": "Bench"});
            let (c, url) = (c.clone(), format!("{base}/api/auth/register"));
            async move { access_token(post(&c, &url, &body).await) }
        })
        .buffer_unordered(LOGIN_CONCURRENCY)
        .collect()
        .await;
    let logins = (accounts..customers)
        .map(|i| (email(i % accounts), "bench password", false))
        .chain((0..staff).map(|_| (BARTENDER.to_owned(), DEMO_PASSWORD, true)));
    let logged_in: Vec<(bool, Option<String>)> = futures::stream::iter(logins)
        .map(|(email, password, is_staff)| {
            let body = json!({"email": email, "password": password});
            let (c, url) = (c.clone(), format!("{base}/api/auth/login"));
            async move { (is_staff, access_token(post(&c, &url, &body).await)) }
        })
        .buffer_unordered(LOGIN_CONCURRENCY)
        .collect()
        .await;
    let mut opened = Opened {
        customer: Vec::with_capacity(customers),
        staff: Vec::with_capacity(staff),
        errors: 0,
    };
    for (is_staff, token) in signed_up.into_iter().map(|t| (false, t)).chain(logged_in) {
        match (is_staff, token) {
            (false, Some(t)) => opened.customer.push(t),
            (true, Some(t)) => opened.staff.push(t),
            (_, None) => opened.errors += 1,
        }
    }
    opened
}

fn access_token(tokens: Option<Value>) -> Option<String> {
    Some(tokens?["access_token"].as_str()?.to_owned())
}

/// One authenticated request per session, as an app's first call after
/// signing in makes; answers how many failed.
async fn use_sessions<'a>(base: &str, tokens: impl Iterator<Item = &'a String>) -> usize {
    let c = reqwest::Client::new();
    let url = format!("{base}/api/auth/me");
    futures::stream::iter(tokens)
        .map(|token| {
            let (c, url) = (c.clone(), url.clone());
            async move {
                match c.get(&url).bearer_auth(token).send().await {
                    Ok(r) if r.status().is_success() => r.bytes().await.is_err(),
                    _ => true,
                }
            }
        })
        .buffer_unordered(LOGIN_CONCURRENCY)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await
}

/// What a stream reader saw.
enum Seen {
    Ready,
    Order {
        stream: usize,
        id: String,
        version: i64,
        at: Instant,
    },
    /// The stream ended or failed, or an event did not parse.
    Broken(usize, String),
}

/// Open streams: their readers report on `seen`; dropping them closes them.
struct Streams {
    readers: Vec<tokio::task::JoinHandle<()>>,
    seen: mpsc::UnboundedReceiver<Seen>,
}

impl Drop for Streams {
    fn drop(&mut self) {
        for r in &self.readers {
            r.abort();
        }
    }
}

/// Opens `n` streams, spread over the staff sessions, and waits until each
/// has said `ready`.
async fn open_streams(base: &str, tokens: &[String], n: usize) -> Result<Streams, String> {
    if tokens.is_empty() {
        return Err("no staff session to open them with".to_owned());
    }
    // Not the pool-of-one client: every stream holds its own connection.
    let c = reqwest::Client::new();
    let url = format!("{base}/api/events");
    let responses: Vec<Result<reqwest::Response, String>> = futures::stream::iter(0..n)
        .map(|i| {
            let req = c.get(&url).bearer_auth(&tokens[i % tokens.len()]);
            async move {
                match req.send().await {
                    Ok(r) if r.status() == StatusCode::OK => Ok(r),
                    Ok(r) => Err(format!("GET /api/events answered {}", r.status())),
                    Err(e) => Err(format!("GET /api/events failed: {e}")),
                }
            }
        })
        .buffered(LOGIN_CONCURRENCY)
        .collect()
        .await;
    let (tx, mut seen) = mpsc::unbounded_channel();
    let mut readers = Vec::with_capacity(n);
    for (i, res) in responses.into_iter().enumerate() {
        readers.push(tokio::spawn(read_stream(i, res?, tx.clone())));
    }
    let mut ready = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while ready < n {
        match tokio::time::timeout_at(deadline, seen.recv()).await {
            Ok(Some(Seen::Ready)) => ready += 1,
            Ok(Some(Seen::Broken(i, why))) => return Err(format!("stream {i}: {why}")),
            Ok(Some(Seen::Order { .. })) => {}
            Ok(None) | Err(_) => return Err(format!("only {ready} of {n} said ready in 30 s")),
        }
    }
    Ok(Streams { readers, seen })
}

/// The fields of an `order` event the timing needs.
#[derive(Deserialize)]
struct OrderKey {
    id: String,
    version: i64,
}

/// Reads one stream's server-sent events: blocks end with a blank line and
/// hold `id:`, `event:` and `data:` lines (or `:` comments, the keep-alive).
/// `chunk()` rather than `bytes_stream()`, which needs reqwest's `stream`
/// feature; each chunk is stamped on arrival.
async fn read_stream(stream: usize, mut res: reqwest::Response, tx: mpsc::UnboundedSender<Seen>) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let chunk = match res.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => {
                let _ = tx.send(Seen::Broken(stream, "ended".to_owned()));
                return;
            }
            Err(e) => {
                let _ = tx.send(Seen::Broken(stream, format!("failed: {e}")));
                return;
            }
        };
        let at = Instant::now();
        buf.extend_from_slice(&chunk);
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = buf.drain(..end + 2).collect();
            let block = String::from_utf8_lossy(&block);
            let (mut event, mut data) = ("message", String::new());
            for l in block.lines() {
                let (field, value) = l.split_once(':').unwrap_or((l, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "event" => event = value,
                    "data" if data.is_empty() => data.push_str(value),
                    "data" => {
                        data.push('\n');
                        data.push_str(value);
                    }
                    _ => {}
                }
            }
            let seen = match event {
                "ready" => Seen::Ready,
                "order" => match serde_json::from_str::<OrderKey>(&data) {
                    Ok(o) => Seen::Order {
                        stream,
                        id: o.id,
                        version: o.version,
                        at,
                    },
                    Err(e) => Seen::Broken(stream, format!("unreadable order event: {e}")),
                },
                "session_ended" | "reset" => Seen::Broken(stream, format!("got `{event}`")),
                _ => continue,
            };
            if tx.send(seen).is_err() {
                return;
            }
        }
    }
}

/// How fast changes reached the streams.
struct Delivery {
    changes: usize,
    p50_ms: f64,
    p99_ms: f64,
    /// Of the change requests' answers.
    answer_p50_ms: f64,
    answer_p99_ms: f64,
    /// (stream, change) pairs not delivered within [`DELIVERY_TIMEOUT`].
    missed: usize,
    duplicates: usize,
    /// Failed requests and broken streams.
    errors: usize,
}

/// Makes `changes` order changes one after another — a customer places an
/// order, the bartender moves it to preparing, ready and served, then the
/// next — and times each from just before its request until each stream
/// has its `order` event.
async fn time_delivery(
    base: &str,
    staff_token: &str,
    mut streams: Streams,
    changes: usize,
) -> Delivery {
    let n = streams.readers.len();
    let c = client();
    let (_, tokens) = register(&c, base, usize::MAX).await;
    let customer = tokens["access_token"].as_str().unwrap().to_owned();
    let items = plain_items(&menu(&c, base).await);
    let mut latencies: Vec<u32> = Vec::with_capacity(changes * n);
    let mut answers: Vec<u32> = Vec::with_capacity(changes);
    let mut out = Delivery {
        changes,
        p50_ms: 0.0,
        p99_ms: 0.0,
        answer_p50_ms: 0.0,
        answer_p99_ms: 0.0,
        missed: 0,
        duplicates: 0,
        errors: 0,
    };
    let mut current: Option<Order> = None;
    for _ in 0..changes {
        let next = current.as_ref().and_then(|o| o.status.next());
        let sent = Instant::now();
        let res = match (&current, next) {
            (Some(o), Some(status)) => {
                c.post(format!("{base}/api/orders/{}/status", o.id))
                    .bearer_auth(staff_token)
                    .json(&json!({"status": status, "version": o.version}))
                    .send()
                    .await
            }
            _ => {
                c.post(format!("{base}/api/orders"))
                    .bearer_auth(&customer)
                    .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                    .json(&order_body(&items))
                    .send()
                    .await
            }
        };
        let order = match res {
            Ok(r) if r.status().is_success() => {
                let order = r.json::<Order>().await.ok();
                answers.push(sent.elapsed().as_micros() as u32);
                order
            }
            Ok(r) => {
                println!("  order change answered {}", describe(r).await);
                None
            }
            Err(e) => {
                println!("  order change failed: {e}");
                None
            }
        };
        let Some(order) = order else {
            out.errors += 1;
            current = None;
            continue;
        };
        let mut got = HashSet::with_capacity(n);
        let mut on_time = 0;
        // From just before the request: an event that arrives later is
        // missed, even if it was already waiting in the channel.
        let deadline = tokio::time::Instant::from_std(sent) + DELIVERY_TIMEOUT;
        while got.len() < n {
            match tokio::time::timeout_at(deadline, streams.seen.recv()).await {
                Ok(Some(Seen::Order {
                    stream,
                    id,
                    version,
                    at,
                })) if id == order.id && version == order.version => {
                    let took = at.duration_since(sent);
                    if !got.insert(stream) {
                        out.duplicates += 1;
                    } else if took <= DELIVERY_TIMEOUT {
                        latencies.push(took.as_micros() as u32);
                        on_time += 1;
                    }
                }
                Ok(Some(Seen::Order { .. } | Seen::Ready)) => {}
                Ok(Some(Seen::Broken(i, why))) => {
                    println!("  stream {i}: {why}");
                    out.errors += 1;
                }
                Ok(None) | Err(_) => break,
            }
        }
        out.missed += n - on_time;
        current = Some(order);
    }
    latencies.sort_unstable();
    out.p50_ms = percentile(&latencies, 0.50);
    out.p99_ms = percentile(&latencies, 0.99);
    answers.sort_unstable();
    out.answer_p50_ms = percentile(&answers, 0.50);
    out.answer_p99_ms = percentile(&answers, 0.99);
    out
}

impl Delivery {
    fn clean(&self) -> bool {
        self.missed == 0 && self.duplicates == 0 && self.errors == 0
    }

    fn print(&self, streams: usize) {
        println!(
            "  {:<28} {:>12}   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} changes × {streams} streams, {} missed{}{})",
            "order change → streams",
            "",
            self.p50_ms,
            self.p99_ms,
            self.changes,
            self.missed,
            if self.duplicates > 0 {
                format!(", {} duplicated", self.duplicates)
            } else {
                String::new()
            },
            errors(self.errors),
        );
        println!(
            "  {:<28} {:>12}   p50 {:>7.2} ms   p99 {:>7.2} ms   (request to answer, one at a time)",
            "  … the change itself", "", self.answer_p50_ms, self.answer_p99_ms,
        );
    }
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p) as usize).min(sorted.len() - 1);
    f64::from(sorted[i]) / 1000.0
}

/// The menu as a guest's phone reads it.
async fn menu(c: &reqwest::Client, base: &str) -> MenuResponse {
    c.get(format!("{base}/api/menu"))
        .send()
        .await
        .expect("GET /api/menu")
        .json()
        .await
        .expect("the menu")
}

/// Two available items of the menu without options, to order from.
fn plain_items(menu: &MenuResponse) -> [String; 2] {
    let mut ids = menu
        .categories
        .iter()
        .flat_map(|c| &c.items)
        .filter(|i| i.available && i.option_groups.is_empty())
        .map(|i| i.id.clone());
    match (ids.next(), ids.next()) {
        (Some(a), Some(b)) => [a, b],
        _ => panic!("the demo menu has fewer than two available items without options"),
    }
}

/// Tables the bench's orders go round.
const BENCH_TABLES: usize = 40;

/// `body` at the `k`th of [`BENCH_TABLES`] tables. A guest's orders at
/// one table gather on one tab, which each order reads and sends on; a
/// visit is a few orders, so the bench's guests move round the tables
/// rather than pile hundreds onto one tab.
fn at_table(body: &Value, k: usize) -> Value {
    let mut body = body.clone();
    body["table"] = json!((k % BENCH_TABLES + 1).to_string());
    body
}

fn order_body([a, b]: &[String; 2]) -> Value {
    json!({"table": "7", "lines": [
        {"item_id": a, "quantity": 2},
        {"item_id": b, "quantity": 1},
    ]})
}

/// The same order with a third line: the first available item with
/// options, with a choice in every group (its minimum, at least one), and
/// the price of one a guest's cart would send with it, so the server does
/// the whole check: the choice against the menu and the price shown.
fn options_body(menu: &MenuResponse, plain: &[String; 2]) -> Value {
    let item = menu
        .categories
        .iter()
        .flat_map(|c| &c.items)
        .find(|i| i.available && !i.option_groups.is_empty())
        .expect("the demo menu has an item with options");
    let chosen: Vec<String> = item
        .option_groups
        .iter()
        .flat_map(|g| {
            g.options
                .iter()
                .filter(|o| o.available)
                .take(g.min_choices.max(1) as usize)
                .map(|o| o.id.clone())
        })
        .collect();
    let choice = shared::validate::choose(item, &chosen).expect("a choice that fits");
    let mut body = order_body(plain);
    if let Some(lines) = body["lines"].as_array_mut() {
        lines.push(json!({
            "item_id": item.id,
            "quantity": 1,
            "options": chosen,
            "unit_price_cents": choice.unit_price_cents,
        }));
    }
    body
}

/// `409 stale_version`, or the status alone when the body is not ours.
async fn describe(r: reqwest::Response) -> String {
    let status = r.status().as_u16();
    match r.json::<Value>().await {
        Ok(body) => match body["error"].as_str() {
            Some(code) => format!("{status} {code}"),
            None => status.to_string(),
        },
        Err(_) => status.to_string(),
    }
}

/// Customers placing orders as fast as they are answered, each with a new
/// `Idempotency-Key`. Only `201 Created` counts; the rest are tallied.
async fn place_orders(
    base: &str,
    opts: &Options,
    body: Value,
) -> (Figures, BTreeMap<String, usize>) {
    let body = Arc::new(body);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let errors: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let url = format!("{base}/api/orders");
    let b = base.to_owned();
    let tally = errors.clone();
    let figures = drive(
        opts.clients,
        opts.seconds,
        |i| {
            let b = b.clone();
            async move {
                let c = client();
                let (_, tokens) = register(&c, &b, i).await;
                (c, tokens["access_token"].as_str().unwrap().to_owned())
            }
        },
        move |(c, token): (reqwest::Client, String)| {
            let (url, tally) = (url.clone(), tally.clone());
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let body = at_table(&body, k);
            async move {
                let res = c
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
                    .json(&body)
                    .send()
                    .await;
                let failure = match res {
                    Ok(r) if r.status() == StatusCode::CREATED => match r.bytes().await {
                        Ok(_) => None,
                        Err(e) => Some(format!("body failed: {e}")),
                    },
                    Ok(r) => Some(describe(r).await),
                    Err(e) => Some(format!("request failed: {e}")),
                };
                let ok = failure.is_none();
                if let Some(what) = failure {
                    *tally
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .entry(what)
                        .or_default() += 1;
                }
                ((c, token), ok)
            }
        },
    )
    .await;
    let errors = std::mem::take(&mut *errors.lock().unwrap_or_else(PoisonError::into_inner));
    (figures, errors.into_iter().collect())
}
