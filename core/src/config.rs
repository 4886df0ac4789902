//! Typed configuration: command-line flags with environment fallbacks,
//! validated once at start-up so a bad value stops the server with one line.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

/// The command line of `taproom-server`.
#[derive(Debug, Parser)]
#[command(
    name = "taproom-server",
    version,
    about = "Taproom: bar ordering with sessions that never surprise you",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// What the binary does; `serve` when none is given.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (the default).
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Mark expired sessions inactive, delete rows past retention, and exit.
    Cleanup(CleanupArgs),
    /// Create a user; the password is read from stdin (or a prompt on a terminal).
    CreateUser(CreateUserArgs),
    /// Copy a SQLite database, consistently, while the server keeps running.
    Backup(BackupArgs),
    /// Copy every row of a SQLite database into an empty PostgreSQL database.
    ///
    /// Stop the server first (or move a copy made with `backup`): rows
    /// written to SQLite after the copy began would stay behind.
    MoveToPostgres(MoveArgs),
}

/// Flags of `backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Where to write the copy: a new file (an existing one is refused).
    pub file: PathBuf,
}

/// Flags of `move-to-postgres`.
#[derive(Debug, Clone, Args)]
pub struct MoveArgs {
    /// The SQLite database to copy, `sqlite://path/to/taproom.db`; only read.
    #[arg(long)]
    pub from: String,
    /// The PostgreSQL database to fill, `postgres://…`; migrated, and it must hold no rows.
    #[arg(long)]
    pub to: String,
}

impl MoveArgs {
    /// The SQLite file `--from` names, or why it names none.
    pub fn source(&self) -> Result<PathBuf, String> {
        let url = self.from.trim();
        let kind = DbArgs {
            database_url: Some(url.to_owned()),
        }
        .kind();
        match kind {
            Ok(DatabaseKind::Sqlite { path }) if url.starts_with("sqlite:") => Ok(path),
            _ => {
                Err("--from must be a SQLite database URL: sqlite://path/to/taproom.db".to_owned())
            }
        }
    }

    /// The PostgreSQL URL of `--to`, or why it is none (the URL itself is
    /// not repeated: it may hold a password).
    pub fn target(&self) -> Result<String, String> {
        let kind = DbArgs {
            database_url: Some(self.to.clone()),
        }
        .kind();
        match kind {
            Ok(DatabaseKind::Postgres { url }) => Ok(url),
            _ => Err(
                "--to must be a PostgreSQL database URL: postgres://user@host/database".to_owned(),
            ),
        }
    }
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Database URL: `sqlite://path` or `postgres://…`. Default: a SQLite file under ./data/.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
}

/// Flags of `cleanup`.
#[derive(Debug, Clone, Args)]
pub struct CleanupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// How long rows of ended sessions are kept for audit after they expire.
    #[arg(long, env = "TAPROOM_SESSION_RETENTION", default_value = "30d")]
    pub session_retention: DurationArg,
}

/// Flags of `create-user`.
#[derive(Debug, Clone, Args)]
pub struct CreateUserArgs {
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// customer, bartender or admin.
    #[arg(long)]
    pub role: String,
}

/// Flags of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, env = "TAPROOM_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Secret for signing tokens (at least 32 bytes). Default: generated and kept beside the SQLite database.
    #[arg(long, env = "TAPROOM_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// Lifetime of access tokens.
    #[arg(long, env = "TAPROOM_ACCESS_TTL", default_value = "30m")]
    pub access_ttl: DurationArg,
    /// Lifetime of refresh tokens; each refresh slides it forward.
    #[arg(long, env = "TAPROOM_REFRESH_TTL", default_value = "7d")]
    pub refresh_ttl: DurationArg,
    /// Absolute lifetime of a session, however often it is refreshed.
    #[arg(long, env = "TAPROOM_SESSION_LIFETIME", default_value = "30d")]
    pub session_lifetime: DurationArg,
    /// How long a just-rotated refresh token is still accepted (0 turns the grace off).
    #[arg(long, env = "TAPROOM_REUSE_GRACE", default_value = "10s")]
    pub reuse_grace: DurationArg,
    /// Most active sessions per user; a new login ends the least recently used one.
    #[arg(long, env = "TAPROOM_MAX_SESSIONS", default_value_t = 10)]
    pub max_sessions: u32,
    /// How often the server marks expired sessions inactive.
    #[arg(long, env = "TAPROOM_CLEANUP_INTERVAL", default_value = "10m")]
    pub cleanup_interval: DurationArg,
    /// How long rows of ended sessions are kept for audit after they expire.
    #[arg(long, env = "TAPROOM_SESSION_RETENTION", default_value = "30d")]
    pub session_retention: DurationArg,
    /// Login attempts per client IP, e.g. `30/1m` (`off` disables).
    #[arg(long, env = "TAPROOM_LOGIN_RATE_IP", default_value = "30/1m")]
    pub login_rate_ip: RateArg,
    /// Failed logins per account from one client network before that network is locked out of the account (with exponential backoff), e.g. `5/15m`.
    #[arg(long, env = "TAPROOM_LOGIN_RATE_ACCOUNT", default_value = "5/15m")]
    pub login_rate_account: RateArg,
    /// Failed logins per account from all networks together before every further attempt is slowed down (never refused), e.g. `10/15m`.
    #[arg(long, env = "TAPROOM_LOGIN_SLOWDOWN", default_value = "10/15m")]
    pub login_slowdown: RateArg,
    /// Refreshes per session, e.g. `30/1m`.
    #[arg(long, env = "TAPROOM_REFRESH_RATE", default_value = "30/1m")]
    pub refresh_rate: RateArg,
    /// Live-stream tickets per session, e.g. `30/1m`.
    #[arg(long, env = "TAPROOM_TICKET_RATE", default_value = "30/1m")]
    pub ticket_rate: RateArg,
    /// Live streams open at once per session (on one instance).
    #[arg(long, env = "TAPROOM_STREAMS_PER_SESSION", default_value_t = 8)]
    pub streams_per_session: usize,
    /// Live streams open at once per user (on one instance).
    #[arg(long, env = "TAPROOM_STREAMS_PER_USER", default_value_t = 32)]
    pub streams_per_user: usize,
    /// Browser apps keep their refresh token in an `HttpOnly` cookie (`on`, the hardened choice) or in localStorage under DESIGN.md's keys (`off`).
    #[arg(long, env = "TAPROOM_REFRESH_COOKIE", default_value = "off")]
    pub refresh_cookie: Switch,
    /// How recently a session must have proved the password for sensitive actions (sign out everywhere, admin actions on users and sessions).
    #[arg(long, env = "TAPROOM_REAUTH_WINDOW", default_value = "10m")]
    pub reauth_window: DurationArg,
    /// How long entries of the security activity log are kept.
    #[arg(long, env = "TAPROOM_ACTIVITY_RETENTION", default_value = "90d")]
    pub activity_retention: DurationArg,
    /// Reverse proxies whose `X-Forwarded-For` is believed (comma-separated IPs).
    #[arg(long, env = "TAPROOM_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<IpAddr>,
    /// PEM certificate chain; with --tls-key serves HTTPS.
    #[arg(long, env = "TAPROOM_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, env = "TAPROOM_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Whether customers may sign themselves up.
    #[arg(long, env = "TAPROOM_REGISTRATION", default_value = "open")]
    pub registration: Registration,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "TAPROOM_BODY_LIMIT", default_value_t = 64 * 1024)]
    pub body_limit: usize,
    /// Password hashes computed at once (default: the number of cores).
    #[arg(long, env = "TAPROOM_HASH_CONCURRENCY")]
    pub hash_concurrency: Option<usize>,
    /// On PostgreSQL, batches of refresh-token rotations in flight at once
    /// (SQLite has one writer: one). One is fastest with the database on
    /// the same machine; a distant database may want more.
    #[arg(long, env = "TAPROOM_ROTATION_LANES", default_value_t = 1)]
    pub rotation_lanes: usize,
    /// Where cargo-leptos put the web apps (one folder per app inside).
    #[arg(long, env = "TAPROOM_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// On PostgreSQL, count rate limits in the database, for all instances
    /// together (off: each instance counts its own, for a single instance).
    #[arg(long, env = "TAPROOM_SHARED_LIMITS", default_value = "on")]
    pub shared_limits: Switch,
    /// Address for `GET /metrics` (Prometheus), apart from the public
    /// listener; off when unset.
    #[arg(long, env = "TAPROOM_METRICS_BIND")]
    pub metrics_bind: Option<SocketAddr>,
    /// Create the demo accounts if absent and print them.
    #[arg(long)]
    pub demo: bool,
}

/// A setting that is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// Whether self sign-up is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Registration {
    Open,
    Closed,
}

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl FromStr for Secret {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

/// A duration written as `90s`, `30m`, `12h` or `7d` (or `0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DurationArg(pub Duration);

impl FromStr for DurationArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_duration(s).map(DurationArg)
    }
}

/// Parses `90s`, `30m`, `12h`, `7d`, `500ms` or a bare `0`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let split = s
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("duration {s:?} needs a unit: ms, s, m, h or d (e.g. 30m)"))?;
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("duration {s:?} must start with a whole number (e.g. 30m)"))?;
    let millis_per_unit: u64 = match unit {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => {
            return Err(format!(
                "duration {s:?} has an unknown unit {unit:?}: use ms, s, m, h or d"
            ))
        }
    };
    n.checked_mul(millis_per_unit)
        .map(Duration::from_millis)
        .ok_or_else(|| format!("duration {s:?} is too long"))
}

/// A rate such as `30/1m`: at most 30 events per minute; `off` for none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateArg(pub Option<Rate>);

/// `count` events per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
}

impl FromStr for RateArg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(RateArg(None));
        }
        let (count, period) = s
            .split_once('/')
            .ok_or_else(|| format!("rate {s:?} must look like 30/1m (count/period) or off"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("rate {s:?} must start with a whole number of events"))?;
        let period = parse_duration(period)?;
        if count == 0 || period.is_zero() {
            return Err(format!(
                "rate {s:?} must allow at least one event in a non-zero period; use off to disable"
            ));
        }
        Ok(RateArg(Some(Rate { count, period })))
    }
}

/// Where the database is, decided from the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

/// The default SQLite file, created on first run.
pub const DEFAULT_SQLITE_PATH: &str = "./data/taproom.db";

impl DbArgs {
    /// Resolves the URL (or the default) into a backend.
    pub fn kind(&self) -> Result<DatabaseKind, String> {
        match self.database_url.as_deref().map(str::trim) {
            None | Some("") => Ok(DatabaseKind::Sqlite {
                path: PathBuf::from(DEFAULT_SQLITE_PATH),
            }),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(DatabaseKind::Postgres {
                    url: url.to_owned(),
                })
            }
            Some(url) => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .ok_or_else(|| {
                        "DATABASE_URL must start with sqlite:// or postgres://".to_owned()
                    })?;
                let path = path.split('?').next().unwrap_or(path);
                if path.is_empty() || path == ":memory:" {
                    return Err(
                        "DATABASE_URL must name a SQLite file (sqlite://path/to/file.db)"
                            .to_owned(),
                    );
                }
                Ok(DatabaseKind::Sqlite {
                    path: PathBuf::from(path),
                })
            }
        }
    }
}

/// Validated settings the application runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DatabaseKind,
    pub bind: SocketAddr,
    pub jwt_secret: Option<Secret>,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub session_lifetime: Duration,
    pub reuse_grace: Duration,
    pub max_sessions: u32,
    pub cleanup_interval: Duration,
    pub session_retention: Duration,
    pub login_rate_ip: Option<Rate>,
    pub login_rate_account: Option<Rate>,
    pub login_slowdown: Option<Rate>,
    pub refresh_rate: Option<Rate>,
    pub ticket_rate: Option<Rate>,
    pub streams_per_session: usize,
    pub streams_per_user: usize,
    pub trusted_proxies: Vec<IpAddr>,
    /// Browser apps' refresh tokens travel in cookies.
    pub refresh_cookie: bool,
    pub reauth_window: Duration,
    pub activity_retention: Duration,
    pub tls: Option<(PathBuf, PathBuf)>,
    pub registration_open: bool,
    pub body_limit: usize,
    pub hash_concurrency: usize,
    /// Rotation batches in flight at once on PostgreSQL.
    pub rotation_lanes: usize,
    pub site_root: PathBuf,
    /// What serves the web apps' pages and bundles; the API alone until
    /// the binary sets it (`server/src/web.rs`).
    pub web_apps: crate::http::apps::WebApps,
    /// Rate limits counted in PostgreSQL for all instances.
    pub shared_limits: bool,
    /// Where `/metrics` is served; `None`: nowhere.
    pub metrics_bind: Option<SocketAddr>,
    pub demo: bool,
}

/// Most rotation lanes: each holds a connection of the pool (16) while
/// its batch runs.
pub const MAX_ROTATION_LANES: usize = 8;

/// Shortest signing secret accepted.
pub const MIN_SECRET_LEN: usize = 32;

impl Settings {
    /// Checks the flags and turns them into settings, or says in one line what is wrong.
    pub fn from_args(args: ServeArgs) -> Result<Settings, String> {
        let database = args.db.kind()?;
        if let Some(secret) = &args.jwt_secret {
            if secret.expose().len() < MIN_SECRET_LEN {
                return Err(format!(
                    "TAPROOM_JWT_SECRET must be at least {MIN_SECRET_LEN} bytes long"
                ));
            }
        }
        if matches!(database, DatabaseKind::Postgres { .. }) && args.jwt_secret.is_none() {
            return Err("with PostgreSQL, set TAPROOM_JWT_SECRET: every instance sharing the database must sign with the same secret".to_owned());
        }
        let access_ttl = args.access_ttl.0;
        let refresh_ttl = args.refresh_ttl.0;
        if access_ttl < Duration::from_secs(10) {
            return Err("TAPROOM_ACCESS_TTL must be at least 10s".to_owned());
        }
        if refresh_ttl <= access_ttl {
            return Err("TAPROOM_REFRESH_TTL must be longer than TAPROOM_ACCESS_TTL".to_owned());
        }
        if args.session_lifetime.0 < refresh_ttl {
            return Err("TAPROOM_SESSION_LIFETIME must be at least TAPROOM_REFRESH_TTL".to_owned());
        }
        if args.reuse_grace.0 > Duration::from_secs(300) {
            return Err("TAPROOM_REUSE_GRACE must be at most 5m".to_owned());
        }
        if args.max_sessions == 0 {
            return Err("TAPROOM_MAX_SESSIONS must be at least 1".to_owned());
        }
        if args.cleanup_interval.0 < Duration::from_secs(1) {
            return Err("TAPROOM_CLEANUP_INTERVAL must be at least 1s".to_owned());
        }
        if args.streams_per_session == 0 || args.streams_per_user == 0 {
            return Err(
                "TAPROOM_STREAMS_PER_SESSION and TAPROOM_STREAMS_PER_USER must be at least 1"
                    .to_owned(),
            );
        }
        if args.streams_per_user < args.streams_per_session {
            return Err(
                "TAPROOM_STREAMS_PER_USER must be at least TAPROOM_STREAMS_PER_SESSION".to_owned(),
            );
        }
        if args.reauth_window.0 < Duration::from_secs(1) {
            return Err("TAPROOM_REAUTH_WINDOW must be at least 1s".to_owned());
        }
        if args.activity_retention.0 < Duration::from_secs(86_400) {
            return Err("TAPROOM_ACTIVITY_RETENTION must be at least 1d".to_owned());
        }
        if args.body_limit < 1024 {
            return Err("TAPROOM_BODY_LIMIT must be at least 1024 bytes".to_owned());
        }
        let hash_concurrency = match args.hash_concurrency {
            Some(0) => return Err("TAPROOM_HASH_CONCURRENCY must be at least 1".to_owned()),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(2, usize::from),
        };
        if !(1..=MAX_ROTATION_LANES).contains(&args.rotation_lanes) {
            return Err(format!(
                "TAPROOM_ROTATION_LANES must be from 1 to {MAX_ROTATION_LANES}"
            ));
        }
        let tls = match (args.tls_cert, args.tls_key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => return Err("--tls-cert and --tls-key go together".to_owned()),
        };
        Ok(Settings {
            database,
            bind: args.bind,
            jwt_secret: args.jwt_secret,
            access_ttl,
            refresh_ttl,
            session_lifetime: args.session_lifetime.0,
            reuse_grace: args.reuse_grace.0,
            max_sessions: args.max_sessions,
            cleanup_interval: args.cleanup_interval.0,
            session_retention: args.session_retention.0,
            login_rate_ip: args.login_rate_ip.0,
            login_rate_account: args.login_rate_account.0,
            login_slowdown: args.login_slowdown.0,
            ticket_rate: args.ticket_rate.0,
            streams_per_session: args.streams_per_session,
            streams_per_user: args.streams_per_user,
            refresh_rate: args.refresh_rate.0,
            // `::ffff:10.0.0.2` and `10.0.0.2` are one proxy.
            trusted_proxies: args
                .trusted_proxy
                .into_iter()
                .map(|ip| ip.to_canonical())
                .collect(),
            refresh_cookie: args.refresh_cookie == Switch::On,
            reauth_window: args.reauth_window.0,
            activity_retention: args.activity_retention.0,
            tls,
            registration_open: args.registration == Registration::Open,
            body_limit: args.body_limit,
            hash_concurrency,
            rotation_lanes: args.rotation_lanes,
            site_root: args.site_root,
            web_apps: crate::http::apps::no_web_apps,
            metrics_bind: args.metrics_bind,
            shared_limits: args.shared_limits == Switch::On,
            demo: args.demo,
        })
    }

    /// Default settings for a database, as if no flag were given.
    pub fn defaults_for(database_url: Option<String>) -> Result<Settings, String> {
        let cli = Cli::try_parse_from(["taproom-server"]).map_err(|e| e.to_string())?;
        let mut serve = cli.serve;
        serve.db.database_url = database_url;
        Settings::from_args(serve)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_the_documented_forms() {
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("30m").unwrap(), Duration::from_secs(1800));
        assert_eq!(
            parse_duration("7d").unwrap(),
            Duration::from_secs(7 * 86400)
        );
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        for bad in ["", "30", "m", "3x", "-1s", "1.5h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rates_parse_or_say_why_not() {
        assert_eq!(
            "30/1m".parse::<RateArg>().unwrap(),
            RateArg(Some(Rate {
                count: 30,
                period: Duration::from_secs(60)
            }))
        );
        assert_eq!("off".parse::<RateArg>().unwrap(), RateArg(None));
        for bad in ["30", "0/1m", "3/0", "x/1m", "3/1"] {
            assert!(bad.parse::<RateArg>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn short_secrets_are_refused() {
        let mut serve = Cli::try_parse_from(["taproom-server"]).unwrap().serve;
        serve.jwt_secret = Some(Secret::new("short".into()));
        let err = Settings::from_args(serve).unwrap_err();
        assert!(err.contains("at least 32 bytes"), "{err}");
    }

    #[test]
    fn rotation_lanes_are_from_one_to_the_most() {
        let lanes = |n: &str| {
            let cli = Cli::try_parse_from(["taproom-server", "--rotation-lanes", n]).unwrap();
            Settings::from_args(cli.serve).map(|s| s.rotation_lanes)
        };
        assert_eq!(lanes("1"), Ok(1));
        assert_eq!(
            lanes(&MAX_ROTATION_LANES.to_string()),
            Ok(MAX_ROTATION_LANES)
        );
        for bad in ["0".to_owned(), (MAX_ROTATION_LANES + 1).to_string()] {
            let err = lanes(&bad).unwrap_err();
            assert!(
                err.contains("TAPROOM_ROTATION_LANES must be from 1 to 8"),
                "{err}"
            );
        }
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("x".repeat(40));
        assert!(!format!("{s:?}").contains("xxxx"));
    }

    #[test]
    fn database_urls_pick_the_backend() {
        let db = |u: &str| {
            DbArgs {
                database_url: Some(u.into()),
            }
            .kind()
        };
        assert!(matches!(
            db("postgres://localhost/x").unwrap(),
            DatabaseKind::Postgres { .. }
        ));
        assert_eq!(
            db("sqlite://data/x.db").unwrap(),
            DatabaseKind::Sqlite {
                path: "data/x.db".into()
            }
        );
        assert!(db("mysql://x").is_err());
        assert!(db("sqlite::memory:").is_err());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn durations_in_every_unit_parse_exactly(n in 0u64..1_000_000, unit in 0usize..5) {
                let (suffix, ms) = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)][unit];
                prop_assert_eq!(parse_duration(&format!("{n}{suffix}")), Ok(Duration::from_millis(n * ms)));
            }

            #[test]
            fn any_text_is_a_duration_or_a_reason_never_a_panic(raw in "\\PC{0,40}") {
                if let Err(reason) = parse_duration(&raw) {
                    prop_assert!(!reason.is_empty());
                }
                let _ = raw.parse::<RateArg>();
            }
        }
    }
}
