//! Client-only behaviour of the manager: storage layout, the refresh
//! decision, and what happens with no network. Behaviour against a server
//! is tested against the real one in `server/tests`.

use std::sync::atomic::AtomicUsize;
use std::sync::Arc;

use futures::executor::block_on;

use super::jwt::tests::token_expiring_at;
use super::*;
use crate::api::Role;

const NOW: i64 = 1_700_000_000;

/// A network that is down: every send fails, and the attempts are counted.
#[derive(Clone, Default)]
struct Offline {
    attempts: Arc<AtomicUsize>,
}

impl Offline {
    fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }
}

impl Transport for Offline {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        Err(TransportError::new("offline"))
    }
}

type TestManager = SessionManager<MemoryStorage, ManualClock, Offline, LocalLock>;

fn manager(app: ClientApp, storage: &MemoryStorage) -> TestManager {
    SessionManager::new(
        app,
        storage.clone(),
        ManualClock::new(NOW),
        Offline::default(),
        LocalLock::new(),
    )
}

fn tokens(role: Role, access_exp: i64) -> TokenResponse {
    TokenResponse {
        access_token: token_expiring_at(access_exp),
        refresh_token: "refresh-secret".to_owned(),
        token_type: "bearer".to_owned(),
        expires_in: access_exp - NOW,
        user: UserInfo {
            id: "u1".to_owned(),
            email: "ann@bar.test".to_owned(),
            name: "Ann".to_owned(),
            role,
        },
    }
}

#[test]
fn a_session_is_stored_under_exactly_the_apps_keys() {
    for (app, role) in [
        (ClientApp::Customer, Role::Customer),
        (ClientApp::Bartender, Role::Bartender),
        (ClientApp::Admin, Role::Admin),
    ] {
        let storage = MemoryStorage::new();
        let session = manager(app, &storage);
        let stored = tokens(role, NOW + 1800);
        session.store(&stored).unwrap();

        let keys = app.storage_keys();
        let mut expected = vec![keys.access, keys.refresh, keys.user];
        expected.sort_unstable();
        assert_eq!(storage.keys(), expected);
        assert_eq!(session.access_token(), Some(stored.access_token.clone()));
        assert_eq!(storage.get(keys.refresh).as_deref(), Some("refresh-secret"));
        assert_eq!(session.current_user(), Some(stored.user.clone()));
        assert!(session.is_logged_in());
    }
}

#[test]
fn clearing_one_app_leaves_the_others_alone() {
    let storage = MemoryStorage::new();
    let customer = manager(ClientApp::Customer, &storage);
    let admin = manager(ClientApp::Admin, &storage);
    customer.store(&tokens(Role::Customer, NOW + 1800)).unwrap();
    admin.store(&tokens(Role::Admin, NOW + 1800)).unwrap();

    customer.clear();
    assert!(!customer.is_logged_in());
    assert_eq!(customer.current_user(), None);
    assert!(admin.is_logged_in());
    assert_eq!(storage.keys().len(), 3);
}

#[test]
fn seconds_left_and_refresh_due_follow_the_clock() {
    let storage = MemoryStorage::new();
    let session = manager(ClientApp::Customer, &storage);
    assert_eq!(session.seconds_left(), None);
    assert!(session.refresh_due());

    session.store(&tokens(Role::Customer, NOW + 1800)).unwrap();
    assert_eq!(session.seconds_left(), Some(1800));
    assert!(!session.refresh_due());

    session.clock().advance(1800 - REFRESH_MARGIN_SECS + 1);
    assert_eq!(session.seconds_left(), Some(REFRESH_MARGIN_SECS - 1));
    assert!(session.refresh_due());
}

#[test]
fn a_fresh_token_is_used_without_touching_the_network() {
    let storage = MemoryStorage::new();
    let session = manager(ClientApp::Customer, &storage);
    let stored = tokens(Role::Customer, NOW + 1800);
    session.store(&stored).unwrap();

    let token = block_on(session.fresh_access_token()).unwrap();
    assert_eq!(token, stored.access_token);
    assert_eq!(session.transport().attempts(), 0);
}

#[test]
fn a_network_error_during_refresh_keeps_the_session() {
    let storage = MemoryStorage::new();
    let fired = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&fired);
    let session = manager(ClientApp::Customer, &storage).with_on_logout(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    session.store(&tokens(Role::Customer, NOW + 100)).unwrap();

    let err = block_on(session.get_json::<UserInfo>("/api/auth/me")).unwrap_err();
    assert!(matches!(err, SessionError::Network(_)), "{err:?}");
    assert_eq!(
        session.transport().attempts(),
        1,
        "one refresh attempt only"
    );
    assert!(session.is_logged_in());
    assert_eq!(storage.keys().len(), 3);
    assert_eq!(fired.load(Ordering::SeqCst), 0);
}

#[test]
fn without_a_refresh_token_the_session_ends_and_the_hook_fires_once() {
    let storage = MemoryStorage::new();
    let fired = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&fired);
    let session = manager(ClientApp::Bartender, &storage).with_on_logout(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    // An expiring access token but no refresh token: nothing to renew with.
    storage
        .set("bartender_token", &token_expiring_at(NOW + 10))
        .unwrap();

    let calls = futures::future::join_all(
        (0..5).map(|_| session.request(Method::Get, "/api/orders", None)),
    );
    for outcome in block_on(calls) {
        assert_eq!(outcome.unwrap_err(), SessionError::LoggedOut);
    }
    assert!(storage.keys().is_empty());
    assert_eq!(session.transport().attempts(), 0);
    assert_eq!(fired.load(Ordering::SeqCst), 1);

    // A new session re-arms the hook for its own end.
    session.store(&tokens(Role::Bartender, NOW + 10)).unwrap();
    storage.remove("bartender_refresh_token");
    assert_eq!(
        block_on(session.fresh_access_token()),
        Err(SessionError::LoggedOut)
    );
    assert_eq!(fired.load(Ordering::SeqCst), 2);
}

#[test]
fn logout_clears_the_keys_even_when_the_server_is_unreachable() {
    let storage = MemoryStorage::new();
    let session = manager(ClientApp::Admin, &storage);
    session.store(&tokens(Role::Admin, NOW + 1800)).unwrap();

    let outcome = block_on(session.logout());
    assert!(
        matches!(outcome, Err(SessionError::Network(_))),
        "{outcome:?}"
    );
    assert_eq!(session.transport().attempts(), 1);
    assert!(storage.keys().is_empty());
    assert!(!session.is_logged_in());
}

#[test]
fn waiters_use_a_token_someone_else_stored_while_they_waited() {
    let old_due = token_expiring_at(NOW + 100);
    let new_fresh = token_expiring_at(NOW + 1800);
    let new_but_short = token_expiring_at(NOW + 60);
    let expired = token_expiring_at(NOW - 1);

    // Proactive renewal.
    assert!(usable_without_refresh(
        &new_fresh,
        Stale::Expiring(Some(&old_due)),
        NOW
    ));
    assert!(usable_without_refresh(
        &new_but_short,
        Stale::Expiring(Some(&old_due)),
        NOW
    ));
    assert!(usable_without_refresh(
        &new_fresh,
        Stale::Expiring(None),
        NOW
    ));
    assert!(!usable_without_refresh(
        &old_due,
        Stale::Expiring(Some(&old_due)),
        NOW
    ));
    assert!(!usable_without_refresh(
        &expired,
        Stale::Expiring(Some(&old_due)),
        NOW
    ));
    assert!(!usable_without_refresh(
        "garbage",
        Stale::Expiring(Some(&old_due)),
        NOW
    ));

    // After a 401: the rejected token is dead even if its exp says otherwise.
    assert!(!usable_without_refresh(
        &new_fresh,
        Stale::Rejected(&new_fresh),
        NOW
    ));
    assert!(usable_without_refresh(
        &new_fresh,
        Stale::Rejected(&old_due),
        NOW
    ));
    assert!(!usable_without_refresh(
        &expired,
        Stale::Rejected(&old_due),
        NOW
    ));
}

#[test]
fn debug_output_shows_no_tokens() {
    let storage = MemoryStorage::new();
    let session = manager(ClientApp::Customer, &storage);
    let stored = tokens(Role::Customer, NOW + 1800);
    session.store(&stored).unwrap();
    let shown = format!("{session:?} {storage:?}");
    assert!(!shown.contains(&stored.access_token), "{shown}");
    assert!(!shown.contains("refresh-secret"), "{shown}");
}

/// Native tests may share one manager between tokio tasks.
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
#[test]
fn the_native_manager_and_its_futures_are_send() {
    fn assert_send_sync<X: Send + Sync>(_: &X) {}
    fn assert_send<X: Send>(_: &X) {}
    let session = NativeSessionManager::native(ClientApp::Customer, "http://127.0.0.1:9")
        .with_on_logout(|| {});
    assert_send_sync(&session);
    assert_send(&session.get_json::<UserInfo>("/api/auth/me"));
    assert_send(&session.login("a@b.cd", "password"));
    assert_send(&session.logout());
}
