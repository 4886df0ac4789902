//! The session in the browser: this app's session manager, the signed-in
//! user as a signal, and what keeps both current while the app is open —
//! a timer that renews the access token before it expires, a probe while
//! the server cannot be reached, and other tabs' sign-ins and sign-outs
//! arriving as `storage` events.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use shared::api::{ClientApp, UserInfo};
use shared::session::SessionError;
#[cfg(not(target_arch = "wasm32"))]
use shared::session::{
    HttpRequest, HttpResponse, LocalLock, MemoryStorage, SessionManager, SystemClock, Transport,
    TransportError,
};

/// Which app this is and where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppInfo {
    pub app: ClientApp,
    /// The path prefix: `""` for the customer app at `/`, `"/bartender"`, `"/admin"`.
    pub base: &'static str,
    /// The app's name in the header and the page title.
    pub title: &'static str,
    /// Whether people can create their own account here.
    pub signup: bool,
}

impl AppInfo {
    /// The app's page at `rest` (`"/devices"`); `""` is the home page.
    pub fn path(&self, rest: &str) -> String {
        match format!("{}{rest}", self.base) {
            path if path.is_empty() => "/".to_owned(),
            path => path,
        }
    }

    /// The app's home page.
    pub fn home(&self) -> String {
        self.path("")
    }

    /// Where to go after signing in: `next` when it is one of this app's own
    /// pages (never another site, never the sign-in page), else home.
    pub fn after_login(&self, next: Option<String>) -> String {
        next.filter(|next| {
            next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                // Browsers drop tabs and newlines from URLs, so
                // `/\t/evil.test` would become `//evil.test`.
                && !next.chars().any(char::is_control)
                && self.owns(next)
                && !next.starts_with(&self.path("/login"))
        })
        .unwrap_or_else(|| self.home())
    }

    fn owns(&self, path: &str) -> bool {
        let under = |base: &str| {
            path.strip_prefix(base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
        };
        if self.base.is_empty() {
            // The other apps' paths, which the customer app at `/` must not claim.
            !["/bartender", "/admin"].into_iter().any(under)
        } else {
            under(self.base)
        }
    }
}

/// The app's view of its session, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Auth {
    pub info: AppInfo,
    /// False on the server and until hydration; pages that depend on the
    /// session show their loading state until then.
    pub ready: RwSignal<bool>,
    /// The signed-in user, `None` when signed out.
    pub user: RwSignal<Option<UserInfo>>,
    /// Set while the server cannot be reached; nobody is signed out for it.
    pub offline: RwSignal<bool>,
    /// Why the user was sent to the sign-in page, when it was not their doing.
    pub notice: RwSignal<Option<String>>,
    /// Set when the person signed out from this page: the sign-in page
    /// then starts afresh instead of offering to return to where they were
    /// (on a shared device, the next person is someone else).
    pub signed_out_here: RwSignal<bool>,
}

impl Auth {
    /// Whether someone is signed in (tracked).
    pub fn signed_in(&self) -> bool {
        self.user.with(Option::is_some)
    }

    /// Passes an API result through, noting whether the server answered
    /// (for the offline banner) and whether the session is gone.
    pub fn watch<T>(&self, outcome: Result<T, SessionError>) -> Result<T, SessionError> {
        match &outcome {
            Err(SessionError::Network(_)) => self.offline.set(true),
            Err(error) if error.ends_session() => {
                self.offline.set(false);
                self.user.set(None);
            }
            // Only a change notifies the banner.
            _ => self.offline.maybe_update(std::mem::take),
        }
        outcome
    }
}

/// The app's [`Auth`].
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

/// Creates the app's [`Auth`] and provides it to every page. The session
/// manager starts with the first page ([`start_with_page`]).
pub fn provide_auth(info: AppInfo) -> Auth {
    let auth = Auth {
        info,
        ready: RwSignal::new(false),
        user: RwSignal::new(None),
        offline: RwSignal::new(false),
        notice: RwSignal::new(None),
        signed_out_here: RwSignal::new(false),
    };
    provide_context(auth);
    crate::reauth::provide_prompt();
    crate::components::header::provide_slot();
    auth
}

/// In the browser, once the view being built has hydrated, starts the
/// session manager (the first call only), which sets [`Auth::ready`] and
/// the stored user. Every page calls it: those in chunks of their own
/// ([`crate::lazy_pages`]), the sign-in and sign-up pages and the page for
/// unknown addresses in the main bundle (an app built whole, without
/// chunks, may call it from its root).
///
/// Not earlier: a page in a chunk of its own hydrates only after its chunk
/// has arrived, and hydration takes the server's HTML as it is. A session
/// that became ready before then would leave that page showing the
/// server's first frame (a disabled form, "Loading") for good.
pub fn start_with_page() {
    let auth = use_auth();
    // Effects run only in the browser, after the view that created them
    // has hydrated.
    Effect::new(move |_| start(auth));
}

#[cfg(target_arch = "wasm32")]
type Manager = shared::session::browser::BrowserSessionManager;

/// On the server no page calls the API (they render before hydration), but
/// the same code must type-check there.
#[cfg(not(target_arch = "wasm32"))]
type Manager = SessionManager<MemoryStorage, SystemClock, NoServer, LocalLock>;

/// The transport of the server-side stand-in: there is nobody to call.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct NoServer;

#[cfg(not(target_arch = "wasm32"))]
impl Transport for NoServer {
    async fn send(&self, _request: HttpRequest) -> Result<HttpResponse, TransportError> {
        Err(TransportError::new("API calls are made from the browser"))
    }
}

thread_local! {
    static MANAGER: RefCell<Option<Rc<Manager>>> = const { RefCell::new(None) };
}

/// This app's session manager, once the app has started in the browser.
pub(crate) fn manager() -> Result<Rc<Manager>, SessionError> {
    MANAGER
        .with(|slot| slot.borrow().clone())
        .ok_or_else(|| SessionError::Network("the page is still loading".to_owned()))
}

/// Whether a page has hydrated and started the session manager: until
/// then, the app is taking over the server's HTML.
pub fn started() -> bool {
    MANAGER.with(|slot| slot.borrow().is_some())
}

#[cfg(not(target_arch = "wasm32"))]
fn start(_auth: Auth) {}

#[cfg(target_arch = "wasm32")]
fn start(auth: Auth) {
    use leptos::task::spawn_local;
    use std::time::Duration;

    if started() {
        return;
    }

    let created = Manager::browser(auth.info.app).with_on_logout(move || {
        let ended = "Your session has ended. Please sign in again.";
        auth.notice.set(Some(ended.to_owned()));
        auth.user.set(None);
    });
    let stored = created.current_user();
    MANAGER.with(|slot| *slot.borrow_mut() = Some(Rc::new(created)));
    match stored {
        Some(user) if !auth.info.app.serves(user.role) => {
            // Not a session this app may keep (e.g. storage edited by hand).
            spawn_local(async move {
                let _ = crate::api::logout().await;
            });
        }
        Some(user) => {
            auth.user.set(Some(user));
            // Ask the server once: a session revoked while the app was closed
            // ends here, and a changed name shows.
            spawn_local(async move {
                if let Ok(user) = auth.watch(crate::api::me().await) {
                    auth.user.set(Some(user));
                }
            });
        }
        None => {}
    }
    auth.ready.set(true);

    // Renew before expiry while the app is open, not only before requests,
    // so a tablet left on the queue for hours stays signed in.
    let renew = move || {
        if auth.user.with_untracked(Option::is_some) {
            spawn_local(async move {
                if let Some(manager) = manager().ok().filter(|m| m.refresh_due()) {
                    let _ = auth.watch(manager.fresh_access_token().await);
                }
            });
        }
    };
    set_interval(renew, Duration::from_secs(5));

    // While the server cannot be reached, try again every few seconds.
    let probe = move || {
        if auth.offline.get_untracked() && auth.user.with_untracked(Option::is_some) {
            spawn_local(async move {
                let _ = auth.watch(crate::api::me().await);
            });
        }
    };
    set_interval(probe, Duration::from_secs(3));

    // Another tab signed in, refreshed or signed out: same storage, same session.
    let keys = auth.info.app.storage_keys();
    let _listener = window_event_listener(leptos::ev::storage, move |event| {
        let not_ours = |key: String| key != keys.user && key != keys.refresh && key != keys.access;
        // No key: storage cleared.
        if event.key().is_some_and(not_ours) {
            return;
        }
        let now = manager().ok().and_then(|m| m.current_user());
        if now != auth.user.get_untracked() {
            let notice = "You were signed out in another tab.";
            auth.notice.set(now.is_none().then(|| notice.to_owned()));
            auth.user.set(now);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUSTOMER: AppInfo = AppInfo {
        app: ClientApp::Customer,
        base: "",
        title: "Customer",
        signup: true,
    };
    const BARTENDER: AppInfo = AppInfo {
        app: ClientApp::Bartender,
        base: "/bartender",
        title: "Bar",
        signup: false,
    };

    #[test]
    fn paths_live_under_the_app_base() {
        assert_eq!(CUSTOMER.home(), "/");
        assert_eq!(CUSTOMER.path("/devices"), "/devices");
        assert_eq!(BARTENDER.home(), "/bartender");
        assert_eq!(BARTENDER.path("/login"), "/bartender/login");
    }

    #[test]
    fn after_login_goes_back_only_to_the_apps_own_pages() {
        let go = |app: AppInfo, next: &str| app.after_login(Some(next.to_owned()));
        assert_eq!(go(CUSTOMER, "/devices"), "/devices");
        assert_eq!(go(BARTENDER, "/bartender/devices"), "/bartender/devices");
        assert_eq!(go(BARTENDER, "/bartender"), "/bartender");
        for hostile in [
            "//evil.test/x",
            "https://evil.test",
            "/\\evil.test",
            "/\t/evil.test",
            "/\n/evil.test",
            "/\r\n/evil.test",
            "/\u{0}/evil.test",
            "/\u{7f}/evil.test",
            "/admin",
        ] {
            assert_eq!(go(CUSTOMER, hostile), "/", "{hostile}");
        }
        for hostile in ["/bartender/login?next=/bartender", "/bartenderx", "/"] {
            assert_eq!(go(BARTENDER, hostile), "/bartender", "{hostile}");
        }
        assert_eq!(go(CUSTOMER, "/admin/devices"), "/");
        assert_eq!(CUSTOMER.after_login(None), "/");
    }
}
