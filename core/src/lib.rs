//! Taproom server: the JSON API under `/api`, sessions and users over
//! SQLite or PostgreSQL.
//!
//! Layers, top-down (no import runs back up): [`http`] → [`services`] →
//! [`db`] and [`crypto`] → [`config`] and `shared::api`.

pub mod checkpoint;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod error;
pub mod http;
pub mod services;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::config::{DatabaseKind, Settings};
use crate::crypto::jwt::JwtKeys;
use crate::crypto::password::PasswordHasher;
use crate::db::Db;
use crate::http::AppState;
use crate::services::session_cache::SessionCache;
use crate::services::sessions::SessionService;

/// A built application: listener bound, database migrated, not yet serving.
pub struct Application {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    /// Where `/metrics` is served, if anywhere.
    metrics_addr: Option<SocketAddr>,
    router: axum::Router,
    tls: Option<(std::path::PathBuf, std::path::PathBuf)>,
    db: Db,
    sessions: Arc<SessionService>,
    hasher: PasswordHasher,
    clock: Arc<dyn Clock>,
    menu: Arc<services::menu::MenuService>,
    hub: Arc<services::events::EventHub>,
    background: Vec<JoinHandle<()>>,
}

impl Application {
    /// Builds the application with the system clock.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        Application::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    /// Builds the application with a given clock (tests move it by hand).
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let db = Db::connect(&settings.database)
            .await
            .context("could not open the database")?;
        let secret = resolve_secret(&settings)?;
        let keys = JwtKeys::new(secret.as_bytes())?;
        let hasher = PasswordHasher::new(settings.hash_concurrency)?;
        let limits = services::events::StreamLimits {
            per_session: settings.streams_per_session,
            per_user: settings.streams_per_user,
        };
        let hub = services::events::EventHub::new(db.clone(), limits)
            .await
            .context("could not read the event log")?;
        let activity = Arc::new(services::activity::ActivityLog::new(
            db.clone(),
            clock.clone(),
            hub.clone(),
        ));
        let cache = Arc::new(SessionCache::default());
        let sessions = Arc::new(SessionService::new(
            db.clone(),
            keys,
            clock.clone(),
            &settings,
            hasher.clone(),
            cache.clone(),
            activity,
        ));
        let listener = tokio::net::TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("could not listen on {}", settings.bind))?;
        let addr = listener.local_addr()?;
        let menu = Arc::new(services::menu::MenuService::new(
            db.clone(),
            clock.clone(),
            hub.clone(),
        ));
        let orders = Arc::new(services::orders::OrderService::new(
            db.clone(),
            clock.clone(),
            hub.clone(),
        ));
        let calls = Arc::new(services::calls::CallService::new(
            db.clone(),
            clock.clone(),
            hub.clone(),
        ));
        let tabs = Arc::new(services::tabs::TabService::new(
            db.clone(),
            clock.clone(),
            hub.clone(),
        ));
        let admin = Arc::new(services::admin::AdminService::new(
            db.clone(),
            clock.clone(),
            hasher.clone(),
            sessions.clone(),
        ));
        let bar_settings = Arc::new(services::settings::BarSettingsService::new(
            db.clone(),
            clock.clone(),
            hub.clone(),
        ));
        let state = AppState::new(http::Services {
            sessions: sessions.clone(),
            menu: menu.clone(),
            orders,
            calls,
            tabs,
            admin,
            bar_settings,
            hub: hub.clone(),
            health: services::health::Health::new(db.clone()),
            trusted_proxies: settings.trusted_proxies.clone(),
            refresh_cookie: settings.refresh_cookie,
            https: settings.tls.is_some(),
        });
        let mut router = http::router(
            state,
            settings.body_limit,
            settings.tls.is_some(),
            settings.web_apps,
            &settings.site_root,
        );

        let mut background = vec![
            spawn_cleanup(sessions.clone(), hub.clone(), settings.cleanup_interval),
            tokio::spawn(hub.clone().run()),
        ];
        let mut metrics_addr = None;
        if let Some(bind) = settings.metrics_bind {
            let handle = http::metrics::install()
                .context("metrics are asked for but their recorder could not be installed")?;
            let (listener, addr) = http::metrics::bind(bind).await?;
            metrics_addr = Some(addr);
            router = router.layer(axum::middleware::from_fn(http::metrics::track));
            let scrape = http::metrics::Scrape {
                handle: handle.clone(),
                db: db.clone(),
                sessions: sessions.clone(),
                hub: hub.clone(),
                hasher: hasher.clone(),
            };
            background.push(tokio::spawn(http::metrics::serve(
                listener,
                Arc::new(scrape),
            )));
            // Histograms keep every sample until folded: fold them even
            // when nobody scrapes.
            background.push(tokio::spawn(async move {
                let mut every = tokio::time::interval(http::metrics::UPKEEP_EVERY);
                loop {
                    every.tick().await;
                    handle.run_upkeep();
                }
            }));
        }
        if db.is_postgres() {
            // Hear other instances' revocations before serving anything.
            let listener = services::revocation::listen(&db, &cache).await?;
            background.push(tokio::spawn(services::revocation::follow_revocations(
                listener,
                db.clone(),
                cache,
                clock.clone(),
            )));
        }
        Ok(Application {
            listener,
            addr,
            metrics_addr,
            router,
            tls: settings.tls.clone(),
            db,
            sessions,
            hasher,
            clock,
            menu,
            hub,
            background,
        })
    }

    /// The address the server listens on (its port is real even when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the metrics listener, if metrics are on.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// Whether the server speaks HTTPS.
    pub fn is_https(&self) -> bool {
        self.tls.is_some()
    }

    /// The database the application uses.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The password hasher (tests hold it to order a login against other
    /// requests).
    pub fn hasher(&self) -> &PasswordHasher {
        &self.hasher
    }

    /// The sessions service (for commands that share the server's setup).
    pub fn sessions(&self) -> &Arc<SessionService> {
        &self.sessions
    }

    /// Creates the demo accounts if absent.
    pub async fn ensure_demo_users(&self) -> anyhow::Result<()> {
        services::users::ensure_demo_users(&self.db, &self.hasher, self.clock.as_ref())
            .await
            .map_err(|e| anyhow::anyhow!("could not create the demo accounts: {e}"))
    }

    /// Loads the demo menu into an empty menu; true if it did.
    pub async fn ensure_demo_menu(&self) -> anyhow::Result<bool> {
        services::demo::ensure_demo_menu(&self.menu)
            .await
            .map_err(|e| anyhow::anyhow!("could not load the demo menu: {e}"))
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn run_with_shutdown(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Application {
            listener,
            router,
            tls,
            db,
            hub,
            background,
            ..
        } = self;
        // Live streams never finish by themselves: end them when shutdown
        // starts, or the graceful shutdown would wait for them forever.
        let shutdown = async move {
            shutdown.await;
            hub.close();
        };
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let result = match tls {
            None => axum::serve(listener, service)
                .with_graceful_shutdown(shutdown)
                .await
                .context("the server failed"),
            Some((cert, key)) => {
                let _ = rustls::crypto::ring::default_provider().install_default();
                let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                    .await
                    .with_context(|| {
                        format!(
                            "could not load TLS certificate {} and key {}",
                            cert.display(),
                            key.display()
                        )
                    })?;
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    shutdown.await;
                    stopper.graceful_shutdown(Some(Duration::from_secs(10)));
                });
                axum_server::from_tcp_rustls(listener.into_std()?, config)
                    .handle(handle)
                    .serve(service)
                    .await
                    .context("the server failed")
            }
        };
        for task in background {
            task.abort();
        }
        db.close().await;
        result
    }
}

fn spawn_cleanup(
    sessions: Arc<SessionService>,
    hub: Arc<services::events::EventHub>,
    every: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            match sessions.cleanup().await {
                Ok(report) if report.expired + report.purged > 0 => {
                    tracing::info!(
                        expired = report.expired,
                        purged = report.purged,
                        "session cleanup"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "session cleanup failed"),
            }
            // Streams replay at most a day back; older clients reload.
            let day_ago = sessions.now_ms() - 86_400_000;
            if let Err(e) = db::events::purge(hub.db(), day_ago).await {
                tracing::error!(error = %e, "event log cleanup failed");
            }
        }
    })
}

/// Starts listening for SIGINT (Ctrl-C) and SIGTERM at once; the future it
/// returns resolves when one arrives. Call it before announcing the server,
/// so that a signal sent right after the announcement stops the server
/// gracefully instead of killing it. Must be called inside the runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let stopped = {
        use tokio::signal::unix::{signal, SignalKind};
        // `signal` installs the handler now, not when first polled.
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            tokio::select! {
                () = wait_for(interrupt, "SIGINT") => {},
                () = wait_for(terminate, "SIGTERM") => {},
            }
        }
    };
    #[cfg(not(unix))]
    let stopped = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    async move {
        stopped.await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}

/// Waits for a signal; never resolves if listening for it failed.
#[cfg(unix)]
async fn wait_for(listener: std::io::Result<tokio::signal::unix::Signal>, name: &'static str) {
    match listener {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(e) => {
            tracing::error!(error = %e, signal = name, "cannot listen for the signal");
            std::future::pending::<()>().await;
        }
    }
}

/// The signing secret: configured, or (SQLite only) generated once and
/// kept in a file only the owner can read, beside the database.
fn resolve_secret(settings: &Settings) -> anyhow::Result<String> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.expose().to_owned());
    }
    let DatabaseKind::Sqlite { path } = &settings.database else {
        anyhow::bail!("TAPROOM_JWT_SECRET is required with PostgreSQL");
    };
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = dir.join("jwt-secret");
    match std::fs::read_to_string(&file) {
        Ok(secret) if secret.trim().len() >= config::MIN_SECRET_LEN => {
            return Ok(secret.trim().to_owned())
        }
        Ok(_) => anyhow::bail!(
            "{} is shorter than {} bytes; delete it to generate a new one",
            file.display(),
            config::MIN_SECRET_LEN
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("could not read {}", file.display())),
    }
    let secret = crypto::random_hex(32);
    write_private(&file, &secret).with_context(|| format!("could not write {}", file.display()))?;
    tracing::warn!(
        file = %file.display(),
        "no TAPROOM_JWT_SECRET set: generated one and saved it (mode 0600); set TAPROOM_JWT_SECRET in production"
    );
    Ok(secret)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()
}
