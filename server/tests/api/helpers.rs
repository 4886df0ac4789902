//! `spawn_app()`: the real server on port 0 with a fresh database — a temp
//! SQLite file, or, when `TEST_DATABASE_URL` is set, a new PostgreSQL
//! database — plus typed helpers that talk to it over HTTP.

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::api::{Role, TokenResponse};
use taproom_server::clock::ManualClock;
use taproom_server::config::{DbArgs, Secret, Settings};
use taproom_server::crypto::password::PasswordHasher;
use taproom_server::db::Db;
use taproom_server::services::users::create_user;
use taproom_server::Application;

/// The password every test user gets.
pub(crate) const PASSWORD: &str = "correct horse battery";
/// A browser user agent, for device descriptions.
pub(crate) const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

/// A running server and what a test needs to talk to it.
pub(crate) struct TestApp {
    pub(crate) base: String,
    pub(crate) client: reqwest::Client,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) db: Db,
    pub(crate) database_url: String,
    pub(crate) secret: String,
    pub(crate) sessions: Arc<taproom_server::services::sessions::SessionService>,
    /// The server's own hasher (tests hold it to order a login).
    pub(crate) hasher: PasswordHasher,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// A user created for a test.
pub(crate) struct TestUser {
    pub(crate) email: String,
    pub(crate) password: String,
}

/// Which backend the tests run on.
pub(crate) fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// Creates an empty database for one test and returns its URL.
pub(crate) async fn fresh_database(dir: &std::path::Path) -> String {
    fresh_database_with(dir, "").await
}

/// [`fresh_database`], with `options` added to PostgreSQL's `CREATE
/// DATABASE` (a locale, say); a SQLite file is made as usual.
pub(crate) async fn fresh_database_with(dir: &std::path::Path, options: &str) -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            use sqlx::Connection;
            let name = format!("taproom_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("TEST_DATABASE_URL must reach PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name} {options}"))
                .execute(&mut conn)
                .await
                .expect("create the test database");
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("TEST_DATABASE_URL ends in /database");
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("taproom.db").display()),
    }
}

/// Settings for a test: fresh database, port 0, a random secret, and the
/// defaults of production otherwise.
pub(crate) fn test_settings(database_url: &str) -> Settings {
    let mut settings = Settings::defaults_for(None).expect("default settings");
    settings.database = DbArgs {
        database_url: Some(database_url.to_owned()),
    }
    .kind()
    .expect("test database URL");
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.jwt_secret = Some(Secret::new(taproom_server::crypto::random_hex(32)));
    settings.hash_concurrency = 2;
    settings.web_apps = crate::web::web_apps;
    settings
}

/// The server with default settings.
pub(crate) async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The server with settings adjusted by `tweak`.
pub(crate) async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = fresh_database(dir.path()).await;
    spawn_app_on(dir, database_url, tweak).await
}

/// The server on a fresh SQLite file whatever `TEST_DATABASE_URL` says,
/// for tests that move a SQLite database to PostgreSQL.
pub(crate) async fn spawn_sqlite_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let database_url = format!("sqlite://{}", dir.path().join("taproom.db").display());
    spawn_app_on(dir, database_url, |_| {}).await
}

/// The server on `database_url` (a test database, dropped with the app),
/// with `dir` as its scratch folder and settings adjusted by `tweak`.
pub(crate) async fn spawn_app_on(
    dir: tempfile::TempDir,
    database_url: String,
    tweak: impl FnOnce(&mut Settings),
) -> TestApp {
    let mut settings = test_settings(&database_url);
    tweak(&mut settings);
    let secret = settings.jwt_secret.as_ref().unwrap().expose().to_owned();
    let clock = ManualClock::new();
    let app = Application::build_with_clock(settings, clock.clone())
        .await
        .expect("the application builds");
    let addr = app.local_addr();
    let db = app.db().clone();
    let sessions = app.sessions().clone();
    let hasher = app.hasher().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_with_shutdown(async {
        let _ = rx.await;
    }));
    TestApp {
        base: format!("http://{addr}"),
        client: reqwest::Client::builder()
            .user_agent(CHROME_WINDOWS)
            .build()
            .unwrap(),
        clock,
        db,
        database_url,
        secret,
        sessions,
        hasher,
        shutdown: Some(tx),
        server: Some(server),
        _dir: dir,
    }
}

impl TestApp {
    /// Stops the server gracefully and waits until it has.
    pub(crate) async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server stopped cleanly");
        }
    }

    /// Creates a user through the same service the `create-user` command
    /// uses: staff accounts have no sign-up route, so there is no API for it.
    pub(crate) async fn create_user(&self, role: Role) -> TestUser {
        let email = format!("{}-{}@taproom.test", role, uuid::Uuid::new_v4().simple());
        let hasher = PasswordHasher::new(1).unwrap();
        create_user(
            &self.db,
            &hasher,
            self.clock.as_ref(),
            &email,
            "Test User",
            role,
            PASSWORD.to_owned(),
        )
        .await
        .expect("create user");
        TestUser {
            email,
            password: PASSWORD.to_owned(),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// POSTs JSON and returns status and body.
    pub(crate) async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let res = self
            .client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        status_json(res).await
    }

    /// POSTs JSON with a bearer token.
    pub(crate) async fn post_auth(
        &self,
        path: &str,
        token: &str,
        body: &Value,
    ) -> (StatusCode, Value) {
        let res = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap();
        status_json(res).await
    }

    /// GETs with a bearer token.
    pub(crate) async fn get_auth(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let res = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        status_json(res).await
    }

    /// DELETEs with a bearer token.
    pub(crate) async fn delete_auth(&self, path: &str, token: &str) -> (StatusCode, Value) {
        let res = self
            .client
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        status_json(res).await
    }

    pub(crate) async fn post_login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Logs a user in and returns the tokens.
    pub(crate) async fn login(&self, user: &TestUser) -> TokenResponse {
        let (status, body) = self.post_login(&user.email, &user.password).await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        serde_json::from_value(body).expect("token response")
    }

    pub(crate) async fn post_refresh(&self, refresh_token: &str) -> (StatusCode, Value) {
        self.post(
            "/api/auth/refresh",
            &json!({"refresh_token": refresh_token}),
        )
        .await
    }

    /// Refreshes and expects success.
    pub(crate) async fn refresh(&self, refresh_token: &str) -> TokenResponse {
        let (status, body) = self.post_refresh(refresh_token).await;
        assert_eq!(status, StatusCode::OK, "refresh failed: {body}");
        serde_json::from_value(body).expect("token response")
    }

    pub(crate) async fn me_status(&self, access_token: &str) -> StatusCode {
        self.get_auth("/api/auth/me", access_token).await.0
    }

    /// A customer registered through the API, signed in.
    pub(crate) async fn customer(&self) -> (TestUser, TokenResponse) {
        let user = self.create_user(Role::Customer).await;
        let tokens = self.login(&user).await;
        (user, tokens)
    }

    /// Counts rows of a table, for "nothing was written" checks: what was
    /// *not* stored cannot be observed through the API.
    pub(crate) async fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        match &self.db {
            Db::Sqlite { read, .. } => sqlx::query_scalar(&sql).fetch_one(read).await.unwrap(),
            Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        }
    }

    /// One column of one session row, as text, for storage checks.
    pub(crate) async fn session_rows(&self) -> Vec<Vec<Option<String>>> {
        let sql = "SELECT id, user_id, refresh_token_hash, previous_token_hash, refresh_seed,
                          access_token_jti, device_info, ip_address, user_agent, client_app,
                          CAST(is_active AS TEXT), revoked_reason
                   FROM user_sessions ORDER BY created_at";
        match &self.db {
            Db::Sqlite { read, .. } => {
                rows_as_text(sqlx::query(sql).fetch_all(read).await.unwrap())
            }
            Db::Postgres(pool) => rows_as_text(sqlx::query(sql).fetch_all(pool).await.unwrap()),
        }
    }

    /// A session's state: (is_active, revoked_reason).
    pub(crate) async fn session_state(&self, sid: &str) -> Option<(bool, Option<String>)> {
        let sql = "SELECT is_active, revoked_reason FROM user_sessions WHERE id = $1";
        match &self.db {
            Db::Sqlite { read, .. } => sqlx::query_as(sql)
                .bind(sid)
                .fetch_optional(read)
                .await
                .unwrap(),
            Db::Postgres(pool) => sqlx::query_as(sql)
                .bind(sid)
                .fetch_optional(pool)
                .await
                .unwrap(),
        }
    }
}

impl Drop for TestApp {
    /// Drops a test's PostgreSQL database so runs do not pile them up.
    fn drop(&mut self) {
        drop_test_database(&self.database_url);
    }
}

/// Drops a PostgreSQL database [`fresh_database`] created (anything else is
/// left alone).
pub(crate) fn drop_test_database(database_url: &str) {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        return;
    };
    let Some((_, name)) = database_url.rsplit_once('/') else {
        return;
    };
    if admin_url.is_empty() || !name.starts_with("taproom_test_") {
        return;
    }
    let name = name.to_owned();
    // Drop runs inside the test's runtime; use a thread with its own.
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.ok()?;
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .ok()
        })
    })
    .join();
}

fn rows_as_text<R: sqlx::Row>(rows: Vec<R>) -> Vec<Vec<Option<String>>>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i).unwrap())
                .collect()
        })
        .collect()
}

/// Reads a started `taproom-server` child's stdout up to its banner and
/// returns the base URL it listens on; stdout keeps being drained after.
pub(crate) fn wait_for_banner(child: &mut std::process::Child) -> String {
    use std::io::{BufRead, BufReader};
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server exited before listening")
            .unwrap();
        if let Some(url) = line.strip_prefix("Taproom is listening on ") {
            break url.trim().to_owned();
        }
    };
    // Keep draining so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    base
}

/// Status and JSON body of a response (non-JSON bodies fail the test).
pub(crate) async fn status_json(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
    };
    (status, body)
}

/// The session id inside a token (read without verifying).
pub(crate) fn sid_of(token: &str) -> String {
    claims_of(token)["sid"].as_str().unwrap().to_owned()
}

/// The claims of a token (read without verifying).
pub(crate) fn claims_of(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Asserts an error response: status, JSON `error` code and a message.
pub(crate) fn assert_error(
    status: StatusCode,
    body: &Value,
    want_status: StatusCode,
    want_code: &str,
) {
    assert_eq!(status, want_status, "unexpected status, body: {body}");
    assert_eq!(
        body["error"], want_code,
        "unexpected error code, body: {body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "error without message: {body}"
    );
}

/// The server on a fresh database that, on PostgreSQL, sorts text as
/// American English does ("apple" before "Banana"); SQLite's is byte order.
pub(crate) async fn spawn_app_sorting_as_english() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'";
    let url = fresh_database_with(dir.path(), options).await;
    spawn_app_on(dir, url, |_| {}).await
}

/// Runs `sql` on the test's database directly and answers its one value.
pub(crate) async fn scalar(app: &TestApp, sql: &str) -> bool {
    match &app.db {
        taproom_server::db::Db::Sqlite { write, .. } => {
            sqlx::query_scalar(sql).fetch_one(write).await
        }
        taproom_server::db::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
    }
    .unwrap()
}
