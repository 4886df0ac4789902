//! Load benchmark: builds and starts the release `taproom-server`, on SQLite
//! and (when `BENCH_DATABASE_URL` or `TEST_DATABASE_URL` names a PostgreSQL
//! server) on PostgreSQL, drives it with N concurrent keep-alive clients and
//! prints throughput, latency percentiles and the ratios the targets use.
//! The bar scenarios (orders, live events, memory) are in [`bar`].
//!
//! ```text
//! cargo bench -p taproom-bench --bench load -- [--clients 64] [--seconds 5]
//!     [--streams 200] [--sessions 10000] [--changes 20] [--backend sqlite] [--smoke]
//!     [--only auth|refresh|bar|dashboard|cluster] [--server path/to/taproom-server] [--cookie]
//!     [--limits]
//! ```
//!
//! The rate limits are off unless `--limits` is given; with it every limit
//! counts, with allowances too high to refuse anything: what a production
//! server pays for counting (on PostgreSQL, in the shared tables unless
//! `TAPROOM_SHARED_LIMITS=off` is in the environment).
//!
//! `cluster` (PostgreSQL only) runs the authenticated GET and the refresh
//! chain through nginx, configured by `deploy/nginx/taproom.conf`, in front
//! of one, two and three instances sharing one database, after the same
//! two scenarios on one instance without the proxy. Without nginx installed
//! it is skipped with a note.
//!
//! `--cookie` runs the server in cookie mode (`TAPROOM_REFRESH_COOKIE=on`)
//! and the refresh chain as a browser app does there: the token in the
//! app's cookie, an empty body, the `X-Taproom-App` header.
//!
//! `--server` (or `BENCH_SERVER`) runs another build of the server, e.g. the
//! one before a change, so two builds are measured by the same harness.
//! Without it the harness builds the server with the command `./scripts/run.sh`
//! uses, so the benchmark measures the binary that is deployed and shares
//! its compile. (The harness is a package of its own: as a bench target of
//! `taproom-server`, its dev-dependencies changed the server's features and
//! `cargo bench` compiled the whole server a second time.)

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

// The crate root resolves `mod` beside itself; keep the module in `load/`.
#[path = "load/bar.rs"]
mod bar;
// Shared with the cluster test: renders and runs deploy/nginx/taproom.conf.
#[path = "../../server/tests/support/nginx.rs"]
mod nginx;

/// Whether servers count their rate limits (`--limits`).
static COUNT_LIMITS: AtomicBool = AtomicBool::new(false);

struct Options {
    clients: usize,
    seconds: f64,
    /// Live event streams open at once (event delivery and memory).
    streams: usize,
    /// Active sessions for the memory figure.
    sessions: usize,
    /// Status changes whose delivery is timed.
    changes: usize,
    /// Orders in the day the dashboard's figures are timed over.
    day_orders: usize,
    backends: Vec<Backend>,
    /// `auth`, `bar`, `cluster` or all (`None`).
    only: Option<String>,
    /// The server binary under test.
    server: String,
    /// Cookie mode for the refresh chain.
    cookie: bool,
}

#[derive(Clone)]
enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }
}

fn options() -> Options {
    let mut clients = 64;
    let mut seconds = 5.0;
    let mut streams = 200;
    let mut sessions = 10_000;
    let mut changes = 20;
    let mut day_orders = 20_000;
    let mut only: Option<String> = None;
    let mut group: Option<String> = None;
    let mut cookie = false;
    let mut server = std::env::var("BENCH_SERVER").ok().filter(|s| !s.is_empty());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--clients" => clients = args.next().and_then(|v| v.parse().ok()).unwrap_or(clients),
            "--seconds" => seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(seconds),
            "--streams" => streams = args.next().and_then(|v| v.parse().ok()).unwrap_or(streams),
            "--sessions" => {
                sessions = args.next().and_then(|v| v.parse().ok()).unwrap_or(sessions);
            }
            "--changes" => changes = args.next().and_then(|v| v.parse().ok()).unwrap_or(changes),
            "--day-orders" => {
                day_orders = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(day_orders);
            }
            "--smoke" => {
                clients = 4;
                seconds = 0.5;
                streams = 10;
                sessions = 100;
                changes = 4;
                day_orders = 200;
            }
            "--backend" => only = args.next(),
            "--only" => group = args.next(),
            "--cookie" => cookie = true,
            "--limits" => COUNT_LIMITS.store(true, Ordering::Relaxed),
            "--server" => server = args.next().or(server),
            // `cargo bench` passes `--bench`; ignore what we do not know.
            _ => {}
        }
    }
    let pg = std::env::var("BENCH_DATABASE_URL")
        .or_else(|_| std::env::var("TEST_DATABASE_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    let mut backends = vec![Backend::Sqlite];
    if let Some(url) = pg {
        backends.push(Backend::Postgres(url));
    }
    if let Some(only) = only {
        backends.retain(|b| b.name().eq_ignore_ascii_case(&only));
    }
    Options {
        clients: clients.max(1),
        seconds,
        streams: streams.max(1),
        sessions,
        changes: changes.max(1),
        day_orders: day_orders.max(1),
        backends,
        only: group,
        server: server.unwrap_or_else(build_server),
        cookie,
    }
}

/// Builds the release server as `./scripts/run.sh` does (nothing to do
/// when that build is current) and answers the binary's path.
fn build_server() -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    eprintln!("building the release server (cargo build --release -p taproom-server)");
    let mut build = Command::new(cargo);
    // What cargo set for this benchmark's own run (its package's name and
    // folder...) must not reach the build: some build scripts (ring's)
    // depend on those variables, and would run and compile again.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let ours = ["CARGO_PKG_", "CARGO_MANIFEST_"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
            || [
                "CARGO_CRATE_NAME",
                "CARGO_BIN_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "OUT_DIR",
            ]
            .contains(&name.as_ref());
        if ours {
            build.env_remove(name.as_ref());
        }
    }
    let out = build
        .current_dir(workspace)
        .args([
            "build",
            "--package=taproom-server",
            "--bin=taproom-server",
            "--no-default-features",
            "--release",
            "--message-format=json",
        ])
        .stderr(Stdio::inherit())
        .output()
        .expect("run cargo");
    assert!(out.status.success(), "the server did not build");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| m["target"]["name"] == "taproom-server")
        .find_map(|m| m["executable"].as_str().map(str::to_owned))
        .expect("cargo names the server binary")
}

/// The server under test, stopped on drop (before its database goes).
struct Server {
    child: Child,
    base: String,
    /// The process id, for its memory figures.
    pid: u32,
    database: Database,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A database for one run: a temp SQLite file, or a new PostgreSQL
/// database dropped with it.
struct Database {
    url: String,
    _dir: tempfile::TempDir,
    cleanup: Option<(String, String)>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.cleanup.take() {
            let _ = Command::new("psql")
                .args([
                    admin.as_str(),
                    "-qc",
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

/// A new, empty database on `backend`.
async fn fresh_database(backend: &Backend) -> Database {
    let dir = tempfile::tempdir().unwrap();
    let (url, cleanup) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", dir.path().join("bench.db").display()),
            None,
        ),
        Backend::Postgres(admin) => {
            use sqlx::Connection;
            let name = format!("taproom_bench_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(admin)
                .await
                .expect("reach PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').unwrap();
            (format!("{base}/{name}"), Some((admin.clone(), name)))
        }
    };
    Database {
        url,
        _dir: dir,
        cleanup,
    }
}

/// Starts a server on a fresh database; `demo` loads the demo menu and
/// accounts (`serve --demo`), which the bar scenarios order from.
async fn start(backend: &Backend, demo: bool, binary: &str, cookie: bool) -> Server {
    let database = fresh_database(backend).await;
    let (child, base) = spawn_server(binary, &database.url, demo, cookie, &[]);
    Server {
        pid: child.id(),
        child,
        base,
        database,
    }
}

/// Starts `binary` on `database_url` with the limits a benchmark would
/// trip over switched off; answers the child and its base URL.
fn spawn_server(
    binary: &str,
    database_url: &str,
    demo: bool,
    cookie: bool,
    env: &[(&str, &str)],
) -> (Child, String) {
    // Counted but never refusing (`--limits`), or off.
    let (per_minute, per_window) = if COUNT_LIMITS.load(Ordering::Relaxed) {
        ("1000000/1m", "1000000/15m")
    } else {
        ("off", "off")
    };
    let mut child = Command::new(binary)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--login-rate-ip",
            per_minute,
            "--login-rate-account",
            per_window,
            "--refresh-rate",
            per_minute,
            "--max-sessions",
            "100000",
        ])
        .args(demo.then_some("--demo"))
        .env("DATABASE_URL", database_url)
        .env(
            "TAPROOM_JWT_SECRET",
            "bench-secret-bench-secret-bench-secret-0123",
        )
        .env("RUST_LOG", "warn")
        // Limits the flags above do not reach (older builds ignore these).
        .env("TAPROOM_LOGIN_SLOWDOWN", per_window)
        .env("TAPROOM_TICKET_RATE", per_minute)
        // The memory scenario opens 200 streams as one bartender.
        .env("TAPROOM_STREAMS_PER_USER", "100000")
        .env("TAPROOM_REFRESH_COOKIE", if cookie { "on" } else { "off" })
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start taproom-server");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines.next().expect("server exited").unwrap();
        if let Some(u) = line.strip_prefix("Taproom is listening on ") {
            break u.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

/// Throughput and latency of one scenario.
struct Figures {
    per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

/// Runs `clients` loops of `step` for `seconds`; `step` returns whether the
/// request succeeded. Each client gets its own state from `setup`.
async fn drive<S, SetupF, SetupFut, StepF, StepFut>(
    clients: usize,
    seconds: f64,
    setup: SetupF,
    step: StepF,
) -> Figures
where
    S: Send + 'static,
    SetupF: Fn(usize) -> SetupFut,
    SetupFut: std::future::Future<Output = S>,
    StepF: Fn(S) -> StepFut + Send + Sync + Clone + 'static,
    StepFut: std::future::Future<Output = (S, bool)> + Send,
{
    let mut states = Vec::with_capacity(clients);
    for i in 0..clients {
        states.push(setup(i).await);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = states
        .into_iter()
        .map(|state| {
            let stop = stop.clone();
            let step = step.clone();
            tokio::spawn(async move {
                let mut lat = Vec::with_capacity(4096);
                let mut errors = 0usize;
                let mut state = state;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    let (next, ok) = step(state).await;
                    state = next;
                    lat.push(t.elapsed().as_micros() as u32);
                    if !ok {
                        errors += 1;
                    }
                }
                (lat, errors)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, e) = t.await.unwrap();
        all.extend(lat);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    let pct = |p: f64| {
        if all.is_empty() {
            0.0
        } else {
            f64::from(all[((all.len() as f64 * p) as usize).min(all.len() - 1)]) / 1000.0
        }
    };
    Figures {
        per_sec: (all.len() - errors) as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        errors,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .unwrap()
}

async fn post(c: &reqwest::Client, url: &str, body: &Value) -> Option<Value> {
    let res = c.post(url).json(body).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json().await.ok()
}

async fn register(c: &reqwest::Client, base: &str, i: usize) -> (String, Value) {
    let email = format!("bench{i}-{}@taproom.test", uuid::Uuid::new_v4().simple());
    let body = json!({"email": email, "password": "bench password", "name": "Bench"});
    let tokens = post(c, &format!("{base}/api/auth/register"), &body)
        .await
        .expect("register a bench user");
    (email, tokens)
}

/// The password hash the server stored for one of its users: its PHC
/// string names the argon2 parameters the server uses.
async fn stored_password_hash(database_url: &str) -> String {
    use sqlx::Connection;
    let sql = "SELECT password_hash FROM users LIMIT 1";
    if database_url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    } else {
        let mut conn = sqlx::PgConnection::connect(database_url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    }
}

/// One argon2id verification of `password` against `phc` as the server
/// does it: the parameters and salt the hash names, working memory kept
/// and reused by the thread.
fn argon2_verify(phc: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
    use argon2::password_hash::PasswordHash;
    let parsed = PasswordHash::new(phc).unwrap();
    let params = argon2::Params::try_from(&parsed).unwrap();
    let (expected, salt) = (parsed.hash.unwrap(), parsed.salt.unwrap());
    let mut salt_buf = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_buf).unwrap();
    memory.resize(params.block_count(), argon2::Block::default());
    let mut out = vec![0u8; expected.len()];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..])
        .unwrap();
    out == expected.as_bytes()
}

/// Raw argon2id verifications per second on all cores, no server, at the
/// parameters of `phc` (a hash the server stored).
fn raw_argon2(phc: &str, seconds: f64) -> f64 {
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let started = Instant::now();
    let counts: Vec<_> = (0..threads)
        .map(|_| {
            let phc = phc.to_owned();
            std::thread::spawn(move || {
                let mut n = 0u64;
                let mut memory = Vec::new();
                while started.elapsed().as_secs_f64() < seconds {
                    assert!(argon2_verify(&phc, "bench password", &mut memory));
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = counts.into_iter().map(|h| h.join().unwrap()).sum();
    total as f64 / started.elapsed().as_secs_f64()
}

fn line(name: &str, f: &Figures) {
    println!(
        "  {name:<28} {:>10.0}/s   p50 {:>7.2} ms   p99 {:>7.2} ms{}",
        f.per_sec,
        f.p50_ms,
        f.p99_ms,
        if f.errors > 0 {
            format!("   ({} errors)", f.errors)
        } else {
            String::new()
        }
    );
}

async fn bench_backend(backend: &Backend, opts: &Options) -> bool {
    let wants = |group: &str| opts.only.as_deref().is_none_or(|only| only == group);
    let mut clean = true;
    if wants("auth") {
        clean &= bench_auth(backend, opts).await;
    }
    // The refresh chain alone (not part of a full run), e.g. under a profiler.
    if opts.only.as_deref() == Some("refresh") {
        let server = start(backend, false, &opts.server, opts.cookie).await;
        let refresh = if opts.cookie {
            cookie_refresh_chain(&server.base, opts.clients, opts.seconds).await
        } else {
            refresh_chain(&server.base, opts.clients, opts.seconds).await
        };
        println!("\n{} — {} clients", backend.name(), opts.clients);
        line("POST /api/auth/refresh chain", &refresh);
        clean &= refresh.errors == 0;
    }
    // A server of its own, so that its memory figures start from nothing.
    if wants("bar") {
        clean &= bar::run(backend, opts).await;
    }
    if wants("dashboard") {
        clean &= bar::dashboard(backend, opts).await;
    }
    if let Backend::Postgres(admin_url) = backend {
        if wants("cluster") {
            clean &= bench_cluster(admin_url, opts).await;
        }
    }
    clean
}

async fn bench_auth(backend: &Backend, opts: &Options) -> bool {
    let server = start(backend, false, &opts.server, opts.cookie).await;
    let base = server.base.clone();
    let n = opts.clients;
    let s = opts.seconds;
    println!(
        "\n{} — {} clients, {:.1} s per scenario{}",
        backend.name(),
        n,
        s,
        if opts.cookie {
            ", refresh tokens in cookies"
        } else {
            ""
        }
    );

    let healthz = {
        let url = format!("{base}/healthz");
        drive(
            n,
            s,
            |_| async { client() },
            move |c: reqwest::Client| {
                let url = url.clone();
                async move {
                    let ok = c
                        .get(&url)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    (c, ok)
                }
            },
        )
        .await
    };
    line("GET /healthz (baseline)", &healthz);

    let me = me_scenario(&base, n, s).await;
    line("GET /api/auth/me", &me);

    let refresh = if opts.cookie {
        cookie_refresh_chain(&base, n, s).await
    } else {
        refresh_chain(&base, n, s).await
    };
    line("POST /api/auth/refresh chain", &refresh);

    // Measured just before and just after the login run, so that the
    // ratio compares the same machine (a shared VM's pace drifts).
    let argon2_seconds = s.max(3.0);
    let phc = stored_password_hash(&server.database.url).await;
    let phc_after = phc.clone();
    let argon2_before = tokio::task::spawn_blocking(move || raw_argon2(&phc, argon2_seconds))
        .await
        .unwrap();
    let login = {
        let url = format!("{base}/api/auth/login");
        let b = base.clone();
        drive(
            n,
            argon2_seconds,
            |i| {
                let b = b.clone();
                async move {
                    let c = client();
                    let (email, _) = register(&c, &b, i).await;
                    (c, email)
                }
            },
            move |(c, email): (reqwest::Client, String)| {
                let url = url.clone();
                async move {
                    let ok = post(
                        &c,
                        &url,
                        &json!({"email": email, "password": "bench password"}),
                    )
                    .await
                    .is_some();
                    ((c, email), ok)
                }
            },
        )
        .await
    };
    line("POST /api/auth/login", &login);
    let argon2_after = tokio::task::spawn_blocking(move || raw_argon2(&phc_after, argon2_seconds))
        .await
        .unwrap();
    let argon2_per_sec = (argon2_before + argon2_after) / 2.0;
    println!(
        "  {:<28} {:>10.1}/s   (the server's parameters, all cores, no server; {:.1} before the logins, {:.1} after)",
        "raw argon2id verify", argon2_per_sec, argon2_before, argon2_after
    );

    let me_ratio = me.per_sec / healthz.per_sec;
    let login_ratio = login.per_sec / argon2_per_sec;
    let refresh_target = match backend {
        Backend::Sqlite => 5000.0,
        Backend::Postgres(_) => 2500.0,
    };
    println!("  against the targets (stated at 64 clients):");
    println!(
        "    authenticated GET / baseline   {:>6.1}%   (target >= 75%)         {}",
        me_ratio * 100.0,
        verdict(me_ratio >= 0.75)
    );
    println!(
        "    login / raw argon2id           {:>6.1}%   (target >= 85%)         {}",
        login_ratio * 100.0,
        verdict(login_ratio >= 0.85)
    );
    println!(
        "    refresh / {:>5.0}/s              {:>6.1}%   (target >= 100%)        {}",
        refresh_target,
        refresh.per_sec / refresh_target * 100.0,
        verdict(refresh.per_sec >= refresh_target)
    );
    println!(
        "    refresh p99                    {:>6.1} ms (target < 20 ms)       {}",
        refresh.p99_ms,
        verdict(refresh.p99_ms < 20.0)
    );
    healthz.errors + me.errors + refresh.errors + login.errors == 0
}

/// `GET /api/auth/me` with a valid token, by `n` clients each signed up first.
async fn me_scenario(base: &str, n: usize, seconds: f64) -> Figures {
    let url = format!("{base}/api/auth/me");
    let b = base.to_owned();
    drive(
        n,
        seconds,
        |i| {
            let b = b.clone();
            async move {
                let c = client();
                let (_, tokens) = register(&c, &b, i).await;
                (c, tokens["access_token"].as_str().unwrap().to_owned())
            }
        },
        move |(c, token): (reqwest::Client, String)| {
            let url = url.clone();
            async move {
                let ok = c
                    .get(&url)
                    .bearer_auth(&token)
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success());
                ((c, token), ok)
            }
        },
    )
    .await
}

/// The refresh chain of a native client: each refresh with the token the
/// last one answered.
async fn refresh_chain(base: &str, n: usize, seconds: f64) -> Figures {
    let url = format!("{base}/api/auth/refresh");
    let b = base.to_owned();
    drive(
        n,
        seconds,
        |i| {
            let b = b.clone();
            async move {
                let c = client();
                let (_, tokens) = register(&c, &b, i).await;
                (c, tokens["refresh_token"].as_str().unwrap().to_owned())
            }
        },
        move |(c, token): (reqwest::Client, String)| {
            let url = url.clone();
            async move {
                match post(&c, &url, &json!({"refresh_token": token})).await {
                    Some(t) => (
                        (
                            c,
                            t["refresh_token"].as_str().unwrap_or_default().to_owned(),
                        ),
                        true,
                    ),
                    None => ((c, token), false),
                }
            }
        },
    )
    .await
}

/// The authenticated GET and the refresh chain through nginx in front of
/// one, two and three instances on one PostgreSQL database, after both on
/// one instance asked directly. False if any request failed.
async fn bench_cluster(admin_url: &str, opts: &Options) -> bool {
    let (n, s) = (opts.clients, opts.seconds);
    let Some(nginx_binary) = nginx::binary() else {
        println!(
            "\nPostgreSQL cluster — skipped: nginx is not installed (apt-get install nginx-light)"
        );
        return true;
    };
    println!(
        "\nPostgreSQL cluster behind nginx (deploy/nginx/taproom.conf) — {n} clients, {s:.1} s per scenario"
    );
    let database = fresh_database(&Backend::Postgres(admin_url.to_owned())).await;
    let mut clean = true;
    let mut instances: Vec<(Child, String)> = Vec::new();
    let trust = [("TAPROOM_TRUSTED_PROXY", "127.0.0.1")];
    for count in 0..=3 {
        // 0: one instance without the proxy, the baseline.
        let (label, base, proxy) = if count == 0 {
            let instance = spawn_server(&opts.server, &database.url, false, false, &[]);
            let base = instance.1.clone();
            instances.push(instance);
            ("1 instance, direct".to_owned(), base, None)
        } else {
            // The baseline instance trusted no proxy: replace it.
            if count == 1 {
                stop_all(&mut instances);
            }
            instances.push(spawn_server(
                &opts.server,
                &database.url,
                false,
                false,
                &trust,
            ));
            let addrs: Vec<String> = instances
                .iter()
                .map(|(_, base)| base.trim_start_matches("http://").to_owned())
                .collect();
            let proxy = nginx::Nginx::start(&nginx_binary, &addrs);
            let label = format!(
                "{count} instance{} via nginx",
                if count == 1 { "" } else { "s" }
            );
            (label, proxy.base.clone(), Some(proxy))
        };
        println!("  {label}");
        let me = me_scenario(&base, n, s).await;
        line("  GET /api/auth/me", &me);
        let refresh = refresh_chain(&base, n, s).await;
        line("  POST /api/auth/refresh chain", &refresh);
        if me.errors + refresh.errors > 0 {
            clean = false;
            if let Some(proxy) = &proxy {
                let log = proxy.error_log();
                let tail: Vec<&str> = log.lines().rev().take(5).collect();
                println!("    nginx's last errors: {tail:?}");
            }
        }
    }
    stop_all(&mut instances);
    drop(database);
    clean
}

fn stop_all(instances: &mut Vec<(Child, String)>) {
    for (mut child, _) in instances.drain(..) {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The refresh chain of a browser app in cookie mode: each client signs up
/// as the customer app, then refreshes with an empty body, its cookie and
/// the app header, keeping each new cookie.
async fn cookie_refresh_chain(base: &str, n: usize, seconds: f64) -> Figures {
    let url = format!("{base}/api/auth/refresh");
    let origin = base.to_owned();
    let b = base.to_owned();
    drive(
        n,
        seconds,
        |i| {
            let b = b.clone();
            async move {
                let c = client();
                let email = format!("cookie{i}-{}@taproom.test", uuid::Uuid::new_v4().simple());
                let res = c
                    .post(format!("{b}/api/auth/register"))
                    .header("x-taproom-app", "customer")
                    .json(&json!({"email": email, "password": "bench password", "name": "Bench"}))
                    .send()
                    .await
                    .expect("register a bench user");
                let cookie = refresh_cookie(res.headers()).expect("a refresh cookie");
                (c, cookie)
            }
        },
        move |(c, cookie): (reqwest::Client, String)| {
            let url = url.clone();
            let origin = origin.clone();
            async move {
                let res = c
                    .post(&url)
                    .header("x-taproom-app", "customer")
                    .header("origin", origin)
                    .header("cookie", &cookie)
                    .send()
                    .await;
                match res {
                    Ok(res) if res.status().is_success() => {
                        let next = refresh_cookie(res.headers()).unwrap_or(cookie);
                        // Read the body, as a browser does.
                        let ok = res.bytes().await.is_ok();
                        ((c, next), ok)
                    }
                    _ => ((c, cookie), false),
                }
            }
        },
    )
    .await
}

/// `name=value` of the customer app's refresh cookie in a response.
fn refresh_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("taproom_refresh_customer="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "missed"
    }
}

fn main() {
    let opts = options();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "taproom load benchmark ({} cores), server {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        opts.server
    );
    let mut clean = true;
    for backend in &opts.backends {
        clean &= runtime.block_on(bench_backend(backend, &opts));
    }
    if !clean {
        eprintln!("some requests failed or events went missing; see the counts above");
        std::process::exit(1);
    }
}
