//! The client session manager (`shared::session`, DESIGN.md behaviour 9),
//! run natively against the real server. The transport is the real HTTP
//! one; a thin wrapper only counts the requests it carries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use shared::api::{ClientApp, Role, UserInfo};
use shared::session::{
    HttpRequest, HttpResponse, LocalLock, MemoryStorage, ReqwestTransport, SessionError,
    SessionManager, SystemClock, TokenStorage, Transport, TransportError,
};
use taproom_server::clock::Clock;

use crate::helpers::*;

/// The real transport, counting requests per path.
#[derive(Clone)]
struct Counting {
    inner: ReqwestTransport,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl Counting {
    fn new(base: &str) -> Counting {
        Counting {
            inner: ReqwestTransport::new(base),
            counts: Arc::default(),
        }
    }

    fn count(&self, path: &str) -> usize {
        self.counts.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

impl Transport for Counting {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        *self
            .counts
            .lock()
            .unwrap()
            .entry(request.path.clone())
            .or_default() += 1;
        self.inner.send(request).await
    }
}

type Manager = SessionManager<MemoryStorage, SystemClock, Counting, LocalLock>;

fn manager(
    app: &TestApp,
    client_app: ClientApp,
    storage: MemoryStorage,
    lock: LocalLock,
) -> (Manager, Counting) {
    let transport = Counting::new(&app.base);
    let m = SessionManager::new(client_app, storage, SystemClock, transport.clone(), lock);
    (m, transport)
}

/// Logs in with the server's clock 26 minutes behind, so the stored access
/// token has about four minutes left by the real clock: refresh is due.
async fn login_nearly_expired(app: &TestApp, m: &Manager, user: &TestUser) {
    let now = app.clock.now_ms();
    app.clock.set(now - 26 * 60 * 1000);
    m.login(&user.email, &user.password).await.expect("login");
    app.clock.set(now);
    assert!(
        m.refresh_due(),
        "the token should be inside the refresh margin"
    );
}

#[tokio::test]
async fn fifty_concurrent_calls_with_a_nearly_expired_token_cause_exactly_one_refresh() {
    let app = spawn_app_with(|s| s.refresh_rate = None).await;
    let user = app.create_user(Role::Customer).await;
    let (m, counts) = manager(
        &app,
        ClientApp::Customer,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    login_nearly_expired(&app, &m, &user).await;
    let old_access = m.access_token().unwrap();

    let calls = (0..50).map(|_| m.get_json::<UserInfo>("/api/auth/me"));
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.expect("every call succeeds").email, user.email);
    }
    assert_eq!(
        counts.count("/api/auth/refresh"),
        1,
        "one refresh for fifty callers"
    );
    assert_eq!(counts.count("/api/auth/me"), 50, "no call was retried");
    assert_ne!(m.access_token().unwrap(), old_access);
    assert!(!m.refresh_due());
}

#[tokio::test]
async fn two_tabs_acting_at_once_refresh_once_and_stay_signed_in() {
    let app = spawn_app_with(|s| s.refresh_rate = None).await;
    let user = app.create_user(Role::Bartender).await;
    let storage = MemoryStorage::new();
    let lock = LocalLock::new();
    let (tab1, counts1) = manager(&app, ClientApp::Bartender, storage.clone(), lock.clone());
    let (tab2, counts2) = manager(&app, ClientApp::Bartender, storage.clone(), lock.clone());
    login_nearly_expired(&app, &tab1, &user).await;
    let (a, b) = futures::join!(
        tab1.get_json::<UserInfo>("/api/auth/me"),
        tab2.get_json::<UserInfo>("/api/auth/me")
    );
    a.expect("tab 1 stays signed in");
    b.expect("tab 2 stays signed in");
    assert_eq!(
        counts1.count("/api/auth/refresh") + counts2.count("/api/auth/refresh"),
        1
    );
    assert!(tab1.is_logged_in() && tab2.is_logged_in());
}

#[tokio::test]
async fn a_401_triggers_one_refresh_and_a_single_retry() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let (m, counts) = manager(
        &app,
        ClientApp::Customer,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    m.login(&user.email, &user.password).await.unwrap();
    assert!(!m.refresh_due());
    // The server now considers the access token expired; the client cannot know.
    app.clock.advance(Duration::from_secs(31 * 60));
    let me: UserInfo = m
        .get_json("/api/auth/me")
        .await
        .expect("retried after refresh");
    assert_eq!(me.email, user.email);
    assert_eq!(counts.count("/api/auth/refresh"), 1);
    assert_eq!(
        counts.count("/api/auth/me"),
        2,
        "the first try and one retry"
    );
}

#[tokio::test]
async fn a_wrong_current_password_costs_one_attempt_and_renews_nothing() {
    let app = spawn_app_with(|s| {
        s.login_rate_account = Some(taproom_server::config::Rate {
            count: 2,
            period: Duration::from_secs(900),
        });
    })
    .await;
    let user = app.create_user(Role::Customer).await;
    let storage = MemoryStorage::new();
    let (m, counts) = manager(&app, ClientApp::Customer, storage.clone(), LocalLock::new());
    m.login(&user.email, &user.password).await.unwrap();
    let keys = ClientApp::Customer.storage_keys();
    let refresh_before = storage.get(keys.refresh);
    let wrong = json!({"current_password": "not my password", "new_password": "something new 1"});
    let err = m
        .post_json::<_, serde_json::Value>("/api/auth/password", &wrong)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("invalid_credentials"));
    assert_eq!(
        counts.count("/api/auth/password"),
        1,
        "sent once, not retried"
    );
    assert_eq!(counts.count("/api/auth/refresh"), 0, "no renewal for it");
    assert_eq!(storage.get(keys.refresh), refresh_before, "no rotation");
    // One attempt counted: a second wrong one is still only wrong (the
    // limit is two), where two counted per call would have locked it.
    let err = m
        .post_json::<_, serde_json::Value>("/api/auth/password", &wrong)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_credentials"), "{err:?}");
    assert_eq!(counts.count("/api/auth/password"), 2);
    // A 401 that refuses the token itself is still retried once.
    app.clock.advance(Duration::from_secs(31 * 60));
    let _: UserInfo = m
        .get_json("/api/auth/me")
        .await
        .expect("renewed and retried");
    assert_eq!(counts.count("/api/auth/refresh"), 1);
}

#[tokio::test]
async fn in_cookie_mode_the_manager_keeps_no_refresh_token_and_the_session_still_works() {
    let app = spawn_app_with(|s| s.refresh_cookie = true).await;
    let user = app.create_user(Role::Customer).await;
    let storage = MemoryStorage::new();
    // A browser's cookie jar, as fetch has one.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let transport = Counting {
        inner: ReqwestTransport::with_client(&app.base, client),
        counts: Arc::default(),
    };
    let m = SessionManager::new(
        ClientApp::Customer,
        storage.clone(),
        SystemClock,
        transport.clone(),
        LocalLock::new(),
    )
    .naming_app();
    m.login(&user.email, &user.password).await.unwrap();
    assert_eq!(storage.keys(), ["access_token", "user"]);
    assert!(m.is_logged_in());
    // The server takes the access token for expired: one refresh, through
    // the cookie, and the request goes through.
    app.clock.advance(Duration::from_secs(31 * 60));
    let me: UserInfo = m.get_json("/api/auth/me").await.expect("renewed by cookie");
    assert_eq!(me.email, user.email);
    assert_eq!(transport.count("/api/auth/refresh"), 1);
    assert_eq!(
        storage.keys(),
        ["access_token", "user"],
        "still no refresh key"
    );
    // Sign-out ends the session on the server, by the cookie.
    let access = m.access_token().unwrap();
    m.logout().await.unwrap();
    assert!(storage.keys().is_empty());
    assert_eq!(
        app.me_status(&access).await,
        reqwest::StatusCode::UNAUTHORIZED
    );
    assert!(!m.is_logged_in());
}

#[tokio::test]
async fn a_refused_refresh_clears_the_keys_and_reports_logged_out() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Admin).await;
    let fired = Arc::new(AtomicUsize::new(0));
    let (m, counts) = manager(
        &app,
        ClientApp::Admin,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    let hook = fired.clone();
    let m = m.with_on_logout(move || {
        hook.fetch_add(1, Ordering::SeqCst);
    });
    m.login(&user.email, &user.password).await.unwrap();
    // Signed out everywhere from another device.
    let other = app.login(&user).await;
    let (status, _) = app
        .post_auth("/api/auth/logout-all", &other.access_token, &json!({}))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);

    let err = m.get_json::<UserInfo>("/api/auth/me").await.unwrap_err();
    assert!(matches!(err, SessionError::LoggedOut), "{err:?}");
    assert_eq!(counts.count("/api/auth/refresh"), 1);
    assert!(
        m.storage().keys().is_empty(),
        "keys left: {:?}",
        m.storage().keys()
    );
    assert!(!m.is_logged_in());
    assert_eq!(
        fired.load(Ordering::SeqCst),
        1,
        "the app is told once to show the login page"
    );
}

#[tokio::test]
async fn a_stopped_server_is_not_a_logout() {
    let mut app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let (m, _) = manager(
        &app,
        ClientApp::Customer,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    m.login(&user.email, &user.password).await.unwrap();
    app.stop().await;
    let err = m.get_json::<UserInfo>("/api/auth/me").await.unwrap_err();
    assert!(matches!(err, SessionError::Network(_)), "{err:?}");
    assert!(m.is_logged_in());
    assert_eq!(m.storage().keys().len(), 3);
}

#[tokio::test]
async fn each_app_keeps_exactly_its_own_three_keys() {
    let app = spawn_app().await;
    let cases = [
        (
            ClientApp::Customer,
            Role::Customer,
            ["access_token", "refresh_token", "user"],
        ),
        (
            ClientApp::Bartender,
            Role::Bartender,
            ["bartender", "bartender_refresh_token", "bartender_token"],
        ),
        (
            ClientApp::Bartender,
            Role::Admin,
            ["bartender", "bartender_refresh_token", "bartender_token"],
        ),
        (
            ClientApp::Admin,
            Role::Admin,
            ["admin_refresh_token", "admin_token", "admin_user"],
        ),
    ];
    for (client_app, role, keys) in cases {
        let user = app.create_user(role).await;
        let (m, _) = manager(&app, client_app, MemoryStorage::new(), LocalLock::new());
        let me = m.login(&user.email, &user.password).await.unwrap();
        assert_eq!(me.role, role);
        assert_eq!(m.storage().keys(), keys.map(str::to_owned).to_vec());
        assert_eq!(m.current_user().unwrap().email, user.email);
        m.logout().await.unwrap();
        assert!(m.storage().keys().is_empty());
    }
}

#[tokio::test]
async fn an_app_refuses_and_revokes_a_session_of_the_wrong_role() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let (m, _) = manager(
        &app,
        ClientApp::Admin,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    let err = m.login(&user.email, &user.password).await.unwrap_err();
    assert!(matches!(err, SessionError::WrongApp { .. }), "{err:?}");
    assert!(m.storage().keys().is_empty());
    let rows = app.session_rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][11].as_deref(),
        Some("logout"),
        "the refused session was ended"
    );
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let (m, _) = manager(
        &app,
        ClientApp::Customer,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    m.login(&user.email, &user.password).await.unwrap();
    let access = m.access_token().unwrap();
    m.logout().await.unwrap();
    assert_eq!(
        app.me_status(&access).await,
        reqwest::StatusCode::UNAUTHORIZED
    );
    assert!(m.storage().keys().is_empty());
}

#[tokio::test]
async fn sign_up_through_the_manager_keeps_the_new_session_under_the_apps_keys() {
    let app = spawn_app().await;
    let (m, _) = manager(
        &app,
        ClientApp::Customer,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    let request = shared::api::RegisterRequest {
        email: "Nell@Bar.test".to_owned(),
        password: "a long enough password".to_owned(),
        name: "Nell".to_owned(),
        client_app: None,
    };
    let user = m.register(&request).await.unwrap();
    assert_eq!(
        (user.email.as_str(), user.role),
        ("nell@bar.test", Role::Customer)
    );
    let mut keys = m.storage().keys();
    keys.sort();
    assert_eq!(keys, ["access_token", "refresh_token", "user"]);
    let access = m.access_token().unwrap();
    assert_eq!(app.me_status(&access).await, reqwest::StatusCode::OK);
    let sessions: shared::api::SessionsResponse = m.get_json("/api/auth/sessions").await.unwrap();
    assert_eq!(sessions.sessions[0].client_app, Some(ClientApp::Customer));

    // The same address again: the server's message, nothing stored.
    let (other, _) = manager(
        &app,
        ClientApp::Customer,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    let err = other.register(&request).await.unwrap_err();
    assert_eq!(err.status(), Some(409), "{err:?}");
    assert!(other.storage().keys().is_empty());
}

#[tokio::test]
async fn an_app_that_serves_no_customers_ends_a_sign_up_session() {
    let app = spawn_app().await;
    let (m, _) = manager(
        &app,
        ClientApp::Bartender,
        MemoryStorage::new(),
        LocalLock::new(),
    );
    let request = shared::api::RegisterRequest {
        email: "olaf@bar.test".to_owned(),
        password: "a long enough password".to_owned(),
        name: "Olaf".to_owned(),
        client_app: None,
    };
    let err = m.register(&request).await.unwrap_err();
    assert!(matches!(err, SessionError::WrongApp { .. }), "{err:?}");
    assert!(m.storage().keys().is_empty());
    let rows = app.session_rows().await;
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0][11].as_deref(),
        Some("logout"),
        "the session was ended"
    );
}
