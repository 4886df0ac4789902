//! An evening at the bar served by three instances behind nginx, configured
//! by the repository's own `deploy/nginx/taproom.conf`, while each instance
//! is restarted in turn and one is killed outright, and some guests sign
//! out or are signed out. Every request goes through the proxy. Afterwards:
//! no order is lost or doubled, nobody was signed out who was not, every
//! live stream saw every event once and in order, and each revoked session
//! is refused by every instance.
//!
//! Runs when `TEST_DATABASE_URL` is set (several instances share PostgreSQL
//! only), and then needs nginx: a missing nginx fails the test rather than
//! skipping it, so CI cannot pass without running it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{RequestBuilder, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;
use shared::events::StreamEvent;
use taproom_server::db::events::EventRow;
use taproom_server::db::Db;

use crate::bar_helpers::{parse_block, two_pints_and_a_negroni};
use crate::helpers::*;
use crate::nginx::{self, Nginx};
use crate::processes::{start_process_with, Process};

/// Guests ordering through the evening.
const CUSTOMERS: usize = 8;
/// How long a client keeps retrying a request that met a dead instance.
/// Shorter than the refresh grace (10 s): a refresh whose answer was lost
/// is retried with the same token while the server still honours it.
const RETRY_FOR: Duration = Duration::from_secs(8);
/// How often a signed-in client refreshes (the apps do it before expiry;
/// here often, so that refreshes meet the faults).
const REFRESH_EVERY: Duration = Duration::from_millis(1500);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_evening_behind_nginx_survives_restarts_and_a_crash_without_losing_anyone() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let nginx_binary = nginx::binary().expect(
        "nginx is not installed, and the cluster test needs it on PostgreSQL: \
         apt-get install nginx-light (scripts/lib.sh's ensure_cluster_tools does it for CI)",
    );
    let began = Instant::now();
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let proxy_env = [("TAPROOM_TRUSTED_PROXY", "127.0.0.1")];
    let instances: Vec<Process> = (0..3)
        .map(|_| start_process_with(&app.database_url, &app.secret, &proxy_env))
        .collect();
    let addrs: Vec<String> = instances.iter().map(|p| p.addr().to_owned()).collect();
    let bases: Vec<String> = instances.iter().map(|p| p.base.clone()).collect();
    let proxy = Nginx::start(&nginx_binary, &addrs);
    let log = Arc::new(Log::default());

    // Everyone signs in through the proxy.
    let mut customers = Vec::new();
    for i in 0..CUSTOMERS {
        let user = app.create_user(Role::Customer).await;
        customers.push(Client::sign_in(&proxy.base, &format!("guest{i}"), &user, &log).await);
    }
    let bartender = app.create_user(Role::Bartender).await;
    let admin = app.create_user(Role::Admin).await;
    let staff = Client::sign_in(&proxy.base, "bartender", &bartender, &log).await;
    let boss = Client::sign_in(&proxy.base, "admin", &admin, &log).await;
    let peanuts = boss.peanuts(&log).await;

    // Live streams: a second bartender's tablet, the admin's console and
    // the first guest's phone, each its own session.
    let other_bartender = app.create_user(Role::Bartender).await;
    let watchers = [
        (
            Client::sign_in(&proxy.base, "bartender tablet", &other_bartender, &log).await,
            Role::Bartender,
        ),
        (
            Client::sign_in(&proxy.base, "admin console", &admin, &log).await,
            Role::Admin,
        ),
        (
            Client::sign_in(&proxy.base, "guest0 phone", &customers[0].user, &log).await,
            Role::Customer,
        ),
    ];
    let give_up = Arc::new(AtomicBool::new(false));
    let following = Arc::new(AtomicUsize::new(0));
    let mut streams = Vec::new();
    for (client, role) in &watchers {
        let who = Watcher {
            user_id: client.user_id.clone(),
            session_id: sid_of(&client.access),
            role: *role,
        };
        // The last event the stream is to see, once the evening is over.
        let target = Arc::new(AtomicI64::new(i64::MAX));
        let task = tokio::spawn(follow(
            proxy.base.clone(),
            client.access.clone(),
            who.clone(),
            target.clone(),
            give_up.clone(),
            following.clone(),
        ));
        streams.push((who, target, task));
    }
    let waiting = Instant::now();
    while following.load(Ordering::Acquire) < streams.len() {
        assert!(
            waiting.elapsed() < Duration::from_secs(10),
            "the streams did not open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The evening: guests order and refresh, the bartender works the
    // queue, the admin marks the peanuts sold out and back, while the
    // instances are restarted and one crashes.
    let evening = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let self_revocations = [
        (5, Duration::from_secs(3), Revocation::Logout),
        (7, Duration::from_millis(7500), Revocation::LogoutAll),
    ];
    let admin_revokes = (
        evening + Duration::from_secs(5),
        sid_of(&customers[6].access),
        customers[6].revoked.clone(),
    );
    let mut guests = Vec::new();
    for (i, customer) in customers.into_iter().enumerate() {
        let plan = self_revocations
            .iter()
            .find(|(who, _, _)| *who == i)
            .map(|(_, after, how)| (evening + *after, *how));
        guests.push(tokio::spawn(customer.evening(
            items.clone(),
            plan,
            stop.clone(),
            log.clone(),
        )));
    }
    let bar = tokio::spawn(staff.work_the_queue(stop.clone(), log.clone()));
    let console = tokio::spawn(boss.run_the_bar(peanuts, admin_revokes, stop.clone(), log.clone()));
    let faults = tokio::task::spawn_blocking(move || restart_each_then_crash_one(instances));
    let (instances, stops) = faults.await.expect("the faults ran");
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Release);
    let mut outcomes = Vec::new();
    for guest in guests {
        outcomes.push(guest.await.expect("a guest's evening"));
    }
    let staff = bar.await.expect("the bartender's evening");
    let boss = console.await.expect("the admin's evening");
    let evening_took = evening.elapsed();

    // The streams catch up with the last event each may see, then stop;
    // those that have not within 20 s stop anyway, and the checks say what
    // they missed.
    let events = all_events(&app.db).await;
    let newest = events.last().map_or(0, |e| e.id);
    for (who, target, _) in &streams {
        let last = events
            .iter()
            .rev()
            .find(|e| who.sees(e))
            .map_or(0, |e| e.id);
        target.store(last, Ordering::Release);
    }
    let mut seen = Vec::new();
    let catching_up = Instant::now() + Duration::from_secs(20);
    for (_, _, mut stream) in streams {
        let left = catching_up.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, &mut stream).await {
            Ok(done) => seen.push(done.expect("a stream")),
            Err(_) => {
                give_up.store(true, Ordering::Release);
                let mut late = stream.await.expect("a stream");
                late.problems
                    .push("not caught up within 20 s of the end".to_owned());
                seen.push(late);
            }
        }
    }

    // Graceful stops were graceful.
    for (i, status) in stops.iter().enumerate() {
        assert!(
            status.success(),
            "instance {i} exited with {status} on SIGTERM"
        );
    }
    let problems = |m: &Mutex<Vec<String>>| m.lock().unwrap().clone();
    assert_eq!(
        problems(&log.signed_out),
        Vec::<String>::new(),
        "clients that were not revoked were signed out"
    );
    assert_eq!(
        problems(&log.unexpected),
        Vec::<String>::new(),
        "unexpected answers (nginx log:\n{})",
        proxy.error_log()
    );

    // Every order answered 2xx exists once, as answered; a guest who was
    // not revoked has no other order.
    let stored = stored_orders(&app.db).await;
    let mut placed_ids = HashSet::new();
    let mut placed = 0;
    for outcome in &outcomes {
        for (key, id) in &outcome.placed {
            placed += 1;
            assert!(placed_ids.insert(id.clone()), "two keys answered {id}");
            assert_eq!(
                stored.get(&(outcome.user_id.clone(), key.clone())),
                Some(id),
                "{}'s order {key} answered {id}",
                outcome.name
            );
        }
        if !outcome.revoked {
            let theirs = stored
                .keys()
                .filter(|(customer, _)| *customer == outcome.user_id)
                .count();
            assert_eq!(
                theirs,
                outcome.placed.len(),
                "{} has orders it was never told of",
                outcome.name
            );
        }
    }
    assert!(placed >= 20, "only {placed} orders: the evening hardly ran");

    // Every stream saw every event it may see, once, in order.
    for stream in &seen {
        assert_eq!(
            stream.problems,
            Vec::<String>::new(),
            "{:?} after {} connections, last event {:?}",
            stream.who,
            stream.connections,
            stream.ids.last()
        );
        let start = stream.start.expect("the stream got ready");
        let expected: Vec<i64> = events
            .iter()
            .filter(|e| e.id > start && e.id <= newest && stream.who.sees(e))
            .map(|e| e.id)
            .collect();
        assert_eq!(
            stream.ids, expected,
            "{:?} saw other events than were written",
            stream.who
        );
        assert!(
            stream.connections > 1,
            "{:?} was never cut off: the faults missed it",
            stream.who
        );
    }

    // Revoked sessions are refused by every instance, asked directly;
    // everyone else is still signed in everywhere.
    let direct = reqwest::Client::new();
    for outcome in outcomes.iter().chain([&staff, &boss]) {
        for base in &bases {
            let status = direct
                .get(format!("{base}/api/auth/me"))
                .bearer_auth(&outcome.access)
                .send()
                .await
                .unwrap()
                .status();
            let want = if outcome.revoked {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            assert_eq!(status, want, "{} on {base}", outcome.name);
        }
    }
    let revoked = outcomes.iter().filter(|o| o.revoked).count();
    assert_eq!(revoked, 3, "three guests were to be signed out");
    drop(instances);
    eprintln!(
        "cluster: {placed} orders, {} refreshes, retried after a dead instance: {:?}, \
         nginx's errors: {:?}, stream connections {:?}, evening {:.1} s, test {:.1} s",
        log.refreshes.load(Ordering::Relaxed),
        log.retries.lock().unwrap(),
        nginx_errors(&proxy.error_log()),
        seen.iter().map(|s| s.connections).collect::<Vec<_>>(),
        evening_took.as_secs_f64(),
        began.elapsed().as_secs_f64()
    );
}

/// What the clients met, for the checks at the end.
#[derive(Default)]
struct Log {
    /// A 401 for a client that was not revoked.
    signed_out: Mutex<Vec<String>>,
    /// Any other answer no client should get.
    unexpected: Mutex<Vec<String>>,
    /// Attempts that met no instance (transport error, 502, 503, 504) and
    /// were repeated, by what they met.
    retries: Mutex<BTreeMap<String, usize>>,
    refreshes: AtomicUsize,
}

impl Log {
    fn unexpected(&self, what: String) {
        self.unexpected.lock().unwrap().push(what);
    }

    fn retried(&self, what: &str, failure: String) {
        *self
            .retries
            .lock()
            .unwrap()
            .entry(format!("{what}: {failure}"))
            .or_default() += 1;
    }
}

/// How a guest signs out during the evening.
#[derive(Debug, Clone, Copy)]
enum Revocation {
    /// `POST /api/auth/logout` with its refresh token.
    Logout,
    /// `POST /api/auth/logout-all`.
    LogoutAll,
}

/// A signed-in client talking to the proxy.
struct Client {
    name: String,
    index: Option<usize>,
    http: reqwest::Client,
    proxy: String,
    user: TestUser,
    user_id: String,
    access: String,
    refresh: String,
    revoked: Arc<AtomicBool>,
    next_refresh: Instant,
}

/// How a client's evening ended.
struct Outcome {
    name: String,
    user_id: String,
    /// The last access token it held.
    access: String,
    revoked: bool,
    /// (Idempotency-Key, order id) of every order answered 2xx.
    placed: Vec<(String, String)>,
}

impl Client {
    /// Signs `user` in through the proxy.
    async fn sign_in(proxy: &str, name: &str, user: &TestUser, log: &Arc<Log>) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let url = format!("{proxy}/api/auth/login");
        let body = json!({"email": user.email, "password": user.password});
        let (status, tokens) = until_answered(log, "login", || http.post(&url).json(&body)).await;
        assert_eq!(status, StatusCode::OK, "{name} signs in: {tokens}");
        Client {
            name: name.to_owned(),
            index: name.strip_prefix("guest").and_then(|i| i.parse().ok()),
            http,
            proxy: proxy.to_owned(),
            user: TestUser {
                email: user.email.clone(),
                password: user.password.clone(),
            },
            user_id: tokens["user"]["id"].as_str().unwrap().to_owned(),
            access: tokens["access_token"].as_str().unwrap().to_owned(),
            refresh: tokens["refresh_token"].as_str().unwrap().to_owned(),
            revoked: Arc::new(AtomicBool::new(false)),
            next_refresh: Instant::now() + REFRESH_EVERY,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.proxy)
    }

    fn outcome(self, placed: Vec<(String, String)>) -> Outcome {
        Outcome {
            revoked: self.revoked.load(Ordering::Acquire),
            name: self.name,
            user_id: self.user_id,
            access: self.access,
            placed,
        }
    }

    /// Notes a 401: expected once the client's session was revoked, a
    /// failure otherwise. Answers whether to stop.
    fn refused(&self, what: &str, body: &Value, log: &Log) -> bool {
        if !self.revoked.load(Ordering::Acquire) {
            log.signed_out
                .lock()
                .unwrap()
                .push(format!("{}: {what} answered 401 {body}", self.name));
        }
        true
    }

    /// Refreshes when it is time; false when the client is signed out.
    async fn refresh_if_due(&mut self, log: &Log) -> bool {
        if Instant::now() < self.next_refresh {
            return true;
        }
        self.next_refresh = Instant::now() + REFRESH_EVERY;
        let url = self.url("/api/auth/refresh");
        // The same token on every attempt: if an instance rotated it and
        // died before answering, the next one honours it within the grace.
        let body = json!({"refresh_token": self.refresh});
        let (status, tokens) =
            until_answered(log, "refresh", || self.http.post(&url).json(&body)).await;
        match status {
            StatusCode::OK => {
                log.refreshes.fetch_add(1, Ordering::Relaxed);
                self.access = tokens["access_token"].as_str().unwrap().to_owned();
                self.refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
                true
            }
            StatusCode::UNAUTHORIZED => !self.refused("refresh", &tokens, log),
            _ => {
                log.unexpected(format!("{}: refresh answered {status} {tokens}", self.name));
                false
            }
        }
    }

    /// A guest's evening: orders (each with its own Idempotency-Key, retried
    /// with the same key), a look at its orders, refreshes; and, if
    /// planned, signing out at a given moment.
    async fn evening(
        mut self,
        items: Vec<String>,
        sign_out: Option<(Instant, Revocation)>,
        stop: Arc<AtomicBool>,
        log: Arc<Log>,
    ) -> Outcome {
        let mut placed = Vec::new();
        let order = two_pints_and_a_negroni(&items);
        // Not all at once.
        tokio::time::sleep(Duration::from_millis(40 * self.index.unwrap_or(0) as u64)).await;
        let mut n = 0;
        while !stop.load(Ordering::Acquire) {
            if let Some((at, how)) = sign_out {
                if Instant::now() >= at {
                    self.sign_out(how, &log).await;
                    break;
                }
            }
            if !self.refresh_if_due(&log).await {
                break;
            }
            let (what, status, body) = if n % 2 == 0 {
                let key = format!("{}-{n}", self.name);
                let url = self.url("/api/orders");
                let (status, body) = until_answered(&log, "order", || {
                    self.http
                        .post(&url)
                        .bearer_auth(&self.access)
                        .header("Idempotency-Key", &key)
                        .json(&order)
                })
                .await;
                if status == StatusCode::CREATED {
                    placed.push((key, body["id"].as_str().unwrap().to_owned()));
                }
                ("order", status, body)
            } else {
                let url = self.url("/api/orders/mine");
                let (status, body) = until_answered(&log, "my orders", || {
                    self.http.get(&url).bearer_auth(&self.access)
                })
                .await;
                ("my orders", status, body)
            };
            match status {
                StatusCode::OK | StatusCode::CREATED => {}
                StatusCode::UNAUTHORIZED => {
                    if self.refused(what, &body, &log) {
                        break;
                    }
                }
                _ => log.unexpected(format!("{}: {what} answered {status} {body}", self.name)),
            }
            n += 1;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.outcome(placed)
    }

    /// Signs this session out, the way the apps do.
    async fn sign_out(&mut self, how: Revocation, log: &Log) {
        self.revoked.store(true, Ordering::Release);
        let (status, body) = match how {
            // Idempotent: a repeat after a lost answer is fine.
            Revocation::Logout => {
                let url = self.url("/api/auth/logout");
                let body = json!({"refresh_token": self.refresh});
                until_answered(log, "logout", || self.http.post(&url).json(&body)).await
            }
            Revocation::LogoutAll => {
                let url = self.url("/api/auth/logout-all");
                let (status, body) = until_answered(log, "logout-all", || {
                    self.http.post(&url).bearer_auth(&self.access)
                })
                .await;
                // A repeat after a lost answer finds the session ended.
                if status == StatusCode::UNAUTHORIZED {
                    (StatusCode::OK, body)
                } else {
                    (status, body)
                }
            }
        };
        if status != StatusCode::OK {
            log.unexpected(format!("{}: {how:?} answered {status} {body}", self.name));
        }
    }

    /// The bartender's evening: moves open orders on, one status at a time.
    async fn work_the_queue(mut self, stop: Arc<AtomicBool>, log: Arc<Log>) -> Outcome {
        while !stop.load(Ordering::Acquire) {
            if !self.refresh_if_due(&log).await {
                break;
            }
            let url = self.url("/api/orders");
            let (status, open) = until_answered(&log, "open orders", || {
                self.http.get(&url).bearer_auth(&self.access)
            })
            .await;
            if status != StatusCode::OK {
                if status == StatusCode::UNAUTHORIZED {
                    self.refused("open orders", &open, &log);
                } else {
                    log.unexpected(format!("bartender: open orders answered {status} {open}"));
                }
                break;
            }
            for order in open["orders"].as_array().unwrap().iter().take(4) {
                let next = match order["status"].as_str().unwrap() {
                    "received" => "preparing",
                    "preparing" => "ready",
                    _ => "served",
                };
                let url = self.url(&format!(
                    "/api/orders/{}/status",
                    order["id"].as_str().unwrap()
                ));
                // Once only: nginx does not replay it, and neither do we;
                // the next look at the queue shows whether it happened.
                let sent = self
                    .http
                    .post(&url)
                    .bearer_auth(&self.access)
                    .json(&json!({"status": next, "version": order["version"]}))
                    .send()
                    .await;
                let res = match sent {
                    Ok(res) => res,
                    Err(e) => {
                        log.retried("status change", transport(&e));
                        continue;
                    }
                };
                match res.status() {
                    StatusCode::OK | StatusCode::CONFLICT => {}
                    status @ (StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE) => {
                        log.retried("status change", status.to_string());
                    }
                    status => {
                        let body = res.text().await.unwrap_or_default();
                        log.unexpected(format!(
                            "bartender: status change answered {status} {body}"
                        ));
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        self.outcome(Vec::new())
    }

    /// Adds the item the admin keeps marking sold out and back; its id.
    async fn peanuts(&self, log: &Log) -> String {
        let url = self.url("/api/menu/categories");
        let (status, category) = until_answered(log, "category", || {
            self.http
                .post(&url)
                .bearer_auth(&self.access)
                .json(&json!({"name": "Snacks"}))
        })
        .await;
        assert_eq!(status, StatusCode::CREATED, "{category}");
        let url = self.url("/api/menu/items");
        let body = json!({"category_id": category["id"], "name": "Peanuts", "price_cents": 300});
        let (status, item) = until_answered(log, "item", || {
            self.http.post(&url).bearer_auth(&self.access).json(&body)
        })
        .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        item["id"].as_str().unwrap().to_owned()
    }

    /// The admin's evening: the peanuts sold out and back every half
    /// second (a `menu_item` event each), and one guest's session ended
    /// from the console at a given moment.
    async fn run_the_bar(
        mut self,
        peanuts: String,
        revoke: (Instant, String, Arc<AtomicBool>),
        stop: Arc<AtomicBool>,
        log: Arc<Log>,
    ) -> Outcome {
        let revoke_at = revoke.0;
        let mut pending = Some(revoke);
        let mut available = true;
        while !stop.load(Ordering::Acquire) {
            if !self.refresh_if_due(&log).await {
                break;
            }
            available = !available;
            let url = self.url(&format!("/api/menu/items/{peanuts}/availability"));
            let body = json!({"available": available});
            let (status, answer) = until_answered(&log, "availability", || {
                self.http.put(&url).bearer_auth(&self.access).json(&body)
            })
            .await;
            if status != StatusCode::OK {
                log.unexpected(format!("admin: availability answered {status} {answer}"));
            }
            if Instant::now() >= revoke_at {
                if let Some((_, sid, flag)) = pending.take() {
                    self.end_session(&sid, &flag, &log).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        self.outcome(Vec::new())
    }

    /// Ends a guest's session from the admin console; the guest is marked
    /// revoked first, so its next 401 is expected.
    async fn end_session(&self, sid: &str, flag: &AtomicBool, log: &Log) {
        flag.store(true, Ordering::Release);
        let url = self.url(&format!("/api/admin/sessions/{sid}"));
        let (status, body) = until_answered(log, "end a session", || {
            self.http.delete(&url).bearer_auth(&self.access)
        })
        .await;
        if status != StatusCode::OK {
            log.unexpected(format!("admin: ending a session answered {status} {body}"));
        }
    }
}

/// Sends a request until an instance answers it: a transport error (or a
/// body cut off), 502, 503 or 504 means none did, and the same request
/// goes again, for at most [`RETRY_FOR`].
async fn until_answered(
    log: &Log,
    what: &str,
    request: impl Fn() -> RequestBuilder,
) -> (StatusCode, Value) {
    let deadline = Instant::now() + RETRY_FOR;
    loop {
        let failure = match request().send().await {
            Ok(res) if !matches!(res.status().as_u16(), 502..=504) => {
                let status = res.status();
                match res.text().await {
                    Ok(text) if text.is_empty() => return (status, Value::Null),
                    Ok(text) => match serde_json::from_str(&text) {
                        Ok(body) => return (status, body),
                        Err(_) => panic!("{what}: not JSON ({status}): {text}"),
                    },
                    Err(e) => format!("answer cut off ({})", transport(&e)),
                }
            }
            Ok(res) => res.status().to_string(),
            Err(e) => transport(&e),
        };
        log.retried(what, failure.clone());
        assert!(
            Instant::now() < deadline,
            "{what}: no instance answered within {RETRY_FOR:?} (last: {failure})"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// nginx's error log, counted by kind of error.
fn nginx_errors(log: &str) -> BTreeMap<&'static str, usize> {
    let kinds = [
        "Connection refused",
        "upstream server temporarily disabled",
        "Connection reset by peer",
        "upstream prematurely closed connection",
        "no live upstreams",
        "upstream timed out",
    ];
    let mut counts = BTreeMap::new();
    for line in log.lines() {
        let kind = kinds
            .iter()
            .find(|k| line.contains(**k))
            .copied()
            .unwrap_or("other");
        *counts.entry(kind).or_default() += 1;
    }
    counts
}

/// A transport error in a few words, for the retry counts.
fn transport(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "answer cut off".to_owned()
    } else {
        "connection lost".to_owned()
    }
}

/// Restarts each instance in turn gracefully (SIGTERM, wait for the exit,
/// start again on the same port), then kills one and starts it again.
/// Answers the instances and how each graceful stop ended.
fn restart_each_then_crash_one(mut instances: Vec<Process>) -> (Vec<Process>, Vec<ExitStatus>) {
    let pause = Duration::from_millis(1500);
    let mut stops = Vec::new();
    std::thread::sleep(pause);
    for instance in &mut instances {
        stops.push(instance.terminate(Duration::from_secs(15)));
        instance.start_again();
        std::thread::sleep(pause);
    }
    instances[1].kill();
    std::thread::sleep(Duration::from_millis(300));
    instances[1].start_again();
    std::thread::sleep(pause);
    (instances, stops)
}

/// Whose stream it is, and so which events it may see.
#[derive(Debug, Clone)]
struct Watcher {
    user_id: String,
    session_id: String,
    role: Role,
}

impl Watcher {
    /// Whether the server sends `event` on this watcher's streams: the
    /// server's own visibility rule, and no alert about its own sign-in.
    fn sees(&self, event: &EventRow) -> bool {
        let own_alert = event.kind == StreamEvent::NewSignIn.as_str()
            && serde_json::from_str::<Value>(&event.payload)
                .is_ok_and(|alert| alert["session_id"] == self.session_id.as_str());
        taproom_server::services::events::visible_to(event, &self.user_id, self.role) && !own_alert
    }
}

/// What one stream client saw over all its connections.
struct Seen {
    who: Watcher,
    /// The cursor of its first `ready`: events after it are its to see.
    start: Option<i64>,
    /// Ids of the events received, in order of arrival.
    ids: Vec<i64>,
    connections: usize,
    problems: Vec<String>,
}

/// Holds the live stream through the proxy, reconnecting with
/// `Last-Event-ID` whenever it drops, until it has seen `target`.
async fn follow(
    proxy: String,
    token: String,
    who: Watcher,
    target: Arc<AtomicI64>,
    give_up: Arc<AtomicBool>,
    following: Arc<AtomicUsize>,
) -> Seen {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let url = format!("{proxy}/api/events");
    let mut seen = Seen {
        who,
        start: None,
        ids: Vec::new(),
        connections: 0,
        problems: Vec::new(),
    };
    let mut cursor: Option<i64> = None;
    let caught_up = |cursor: Option<i64>| {
        give_up.load(Ordering::Acquire)
            || cursor.is_some_and(|c| c >= target.load(Ordering::Acquire))
    };
    'connect: while !caught_up(cursor) {
        let mut request = http.get(&url).bearer_auth(&token);
        if let Some(cursor) = cursor {
            request = request.header("last-event-id", cursor.to_string());
        }
        let mut res = match tokio::time::timeout(Duration::from_secs(5), request.send()).await {
            Ok(Ok(res)) if res.status() == StatusCode::OK => res,
            Ok(Ok(res)) if matches!(res.status().as_u16(), 502..=504) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            Ok(Ok(res)) => {
                let status = res.status();
                let body = res.text().await.unwrap_or_default();
                seen.problems
                    .push(format!("the stream answered {status} {body}"));
                break;
            }
            Ok(Err(_)) | Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        seen.connections += 1;
        let mut buf = String::new();
        loop {
            if caught_up(cursor) {
                break 'connect;
            }
            let chunk = match tokio::time::timeout(Duration::from_millis(200), res.chunk()).await {
                Err(_) => continue,
                Ok(Ok(Some(chunk))) => chunk,
                // Ended (the instance stopped) or cut (it died): reconnect.
                Ok(Ok(None) | Err(_)) => continue 'connect,
            };
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let block: String = buf.drain(..end + 2).collect();
                let Some(event) = parse_block(&block) else {
                    continue;
                };
                match (event.event.as_str(), event.id) {
                    ("ready", _) => {
                        let at = event.data["cursor"].as_i64().unwrap();
                        if seen.start.is_none() {
                            seen.start = Some(at);
                            following.fetch_add(1, Ordering::AcqRel);
                        }
                        cursor = Some(cursor.map_or(at, |c| c.max(at)));
                    }
                    (_, Some(id)) => {
                        if let Some(&last) = seen.ids.last() {
                            if id <= last {
                                seen.problems.push(format!("event {id} after {last}"));
                            }
                        }
                        seen.ids.push(id);
                        cursor = Some(cursor.map_or(id, |c| c.max(id)));
                    }
                    (other, None) => seen.problems.push(format!("unexpected `{other}`")),
                }
            }
        }
    }
    seen
}

/// Every order: (customer id, Idempotency-Key) → order id.
async fn stored_orders(db: &Db) -> HashMap<(String, String), String> {
    let Db::Postgres(pool) = db else {
        unreachable!("the cluster test runs on PostgreSQL")
    };
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT customer_id, idempotency_key, id FROM orders")
            .fetch_all(pool)
            .await
            .unwrap();
    rows.into_iter()
        .map(|(customer, key, id)| ((customer, key), id))
        .collect()
}

/// Every stored event, oldest first.
async fn all_events(db: &Db) -> Vec<EventRow> {
    let mut events: Vec<EventRow> = Vec::new();
    loop {
        let after = events.last().map_or(0, |e| e.id);
        let page = taproom_server::db::events::after(db, after).await.unwrap();
        if page.is_empty() {
            return events;
        }
        events.extend(page);
    }
}
