//! Sessions: login, refresh with rotation and reuse detection, logout and
//! revocation, and the per-request check that an access token's session is
//! still active.
//!
//! Refresh-token rotation uses a compare-and-swap on the stored hash, so of
//! racing refreshes exactly one rotates. Inside the grace window the
//! previous token is answered with the *current* refresh token again: its
//! id is derived from a per-rotation seed with the server's secret, so the
//! server can re-issue it without ever storing it. Racing tabs and retried
//! requests thus all end up holding the same, current token.

use std::sync::Arc;

use shared::api::{
    check_new_password, normalize_email, normalize_name, ChangePasswordRequest, ClientApp,
    EndReason, LoginRequest, RegisterRequest, Role, SessionInfo, TokenResponse, UserInfo,
    PASSWORD_MAX_LEN, TOKEN_MAX_LEN,
};
use shared::bar::StreamTicket;
use shared::security::ActivityKind;

use crate::checkpoint::{Checkpoint, Hold};
use crate::clock::{millis, rfc3339, Clock};
use crate::config::Settings;
use crate::crypto::jwt::{Claims, Expiry, JwtError, JwtKeys, TokenType};
use crate::crypto::password::PasswordHasher;
use crate::crypto::{random_hex, TokenHash};
use crate::db::sessions::{
    self as store, NewSession, OpenError, QuickRotation, Rotation, SessionRow, SessionWithUser,
};
use crate::db::users::CredentialChange;
use crate::db::{events as stream_tickets, users, Db};
use crate::error::{AppError, AppResult};
use crate::services::activity::{ActivityLog, Origin};
use crate::services::device;
use crate::services::rate_limit::{FailureLimit, LimitStore, RequestLimit, SlowdownLimit};
use crate::services::revocation;
use crate::services::rotations::Rotations;
use crate::services::session_cache::{ActiveSession, Entry, ReadTicket, SessionCache};

/// How long a stream ticket may wait to be used.
pub const STREAM_TICKET_TTL_MS: i64 = 30_000;

/// How often an authenticated request may write `last_activity`.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Who is calling, as far as the HTTP layer can tell.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Whether the client reached us over TLS (directly, or through a
    /// trusted proxy that says so): cookies are then `Secure`.
    pub https: bool,
}

impl ClientInfo {
    /// The readable device ("Chrome 120 on Windows").
    pub fn device(&self) -> String {
        let user_agent = self.user_agent.as_deref().map(device::clamp_user_agent);
        device::describe(user_agent.as_deref())
    }
}

/// An authenticated request's identity.
#[derive(Debug, Clone)]
pub struct AuthContext {
    pub user_id: String,
    pub role: Role,
    pub session_id: String,
    /// The user as read with the session, at most `MAX_AGE_MS` old
    /// (shared with the session cache, not copied per request).
    pub user: Arc<UserInfo>,
}

/// Session lifetimes and limits.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    pub access_ttl_ms: i64,
    pub refresh_ttl_ms: i64,
    pub lifetime_ms: i64,
    pub grace_ms: i64,
    pub max_sessions: u32,
    pub retention_ms: i64,
    pub registration_open: bool,
    /// How recent a proof of the password sensitive actions need.
    pub reauth_window_ms: i64,
    /// How long activity log entries are kept.
    pub activity_retention_ms: i64,
}

impl SessionPolicy {
    /// The policy the settings describe.
    pub fn from_settings(s: &Settings) -> SessionPolicy {
        SessionPolicy {
            access_ttl_ms: millis(s.access_ttl),
            refresh_ttl_ms: millis(s.refresh_ttl),
            lifetime_ms: millis(s.session_lifetime),
            grace_ms: millis(s.reuse_grace),
            max_sessions: s.max_sessions,
            retention_ms: millis(s.session_retention),
            registration_open: s.registration_open,
            reauth_window_ms: millis(s.reauth_window),
            activity_retention_ms: millis(s.activity_retention),
        }
    }
}

/// What a cleanup pass did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CleanupReport {
    pub expired: u64,
    pub purged: u64,
    /// Activity log entries past their retention.
    pub activity_purged: u64,
}

/// The sessions service.
pub struct SessionService {
    db: Db,
    keys: JwtKeys,
    clock: Arc<dyn Clock>,
    policy: SessionPolicy,
    cache: Arc<SessionCache>,
    hasher: PasswordHasher,
    login_ip: RequestLimit,
    /// Failed logins per (account, client network): that network is
    /// locked out of that account, nobody else is.
    login_lock: FailureLimit,
    /// Failed logins per account from every network: beyond a budget,
    /// attempts are slowed down, never refused (see the README's policy).
    login_slowdown: SlowdownLimit,
    /// Wrong current passwords per user (changing the password).
    password_check: FailureLimit,
    refresh_limit: RequestLimit,
    ticket_limit: RequestLimit,
    /// Where the limits count (for pruning the shared ones).
    limits: LimitStore,
    /// Between reading a session from the database and caching it.
    cache_fill: Checkpoint,
    activity: Arc<ActivityLog>,
    /// Rotations committed together (group commit).
    rotations: Rotations,
}

impl SessionService {
    /// Builds the service.
    pub fn new(
        db: Db,
        keys: JwtKeys,
        clock: Arc<dyn Clock>,
        settings: &Settings,
        hasher: PasswordHasher,
        cache: Arc<SessionCache>,
        activity: Arc<ActivityLog>,
    ) -> SessionService {
        let limits = LimitStore::for_db(&db, settings.shared_limits);
        let login_ip = RequestLimit::new("login_ip", settings.login_rate_ip, &limits);
        let login_lock = FailureLimit::new("login_account", settings.login_rate_account, &limits);
        let login_slowdown = SlowdownLimit::new("login_slowdown", settings.login_slowdown, &limits);
        let password_check =
            FailureLimit::new("password_check", settings.login_rate_account, &limits);
        let refresh_limit = RequestLimit::new("refresh", settings.refresh_rate, &limits);
        let ticket_limit = RequestLimit::new("stream_ticket", settings.ticket_rate, &limits);
        SessionService {
            keys,
            clock,
            policy: SessionPolicy::from_settings(settings),
            cache,
            hasher,
            login_ip,
            login_lock,
            login_slowdown,
            password_check,
            refresh_limit,
            ticket_limit,
            limits,
            cache_fill: Checkpoint::default(),
            activity,
            rotations: Rotations::new(db.clone(), settings.rotation_lanes),
            db,
        }
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The service clock's time in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Signs in with e-mail and password and opens a session.
    pub async fn login(&self, req: LoginRequest, client: &ClientInfo) -> AppResult<TokenResponse> {
        let email = normalize_email(&req.email).map_err(|m| AppError::Validation(m.to_owned()))?;
        if req.password.is_empty() {
            return Err(AppError::Validation("Enter your password.".to_owned()));
        }
        if req.password.chars().count() > PASSWORD_MAX_LEN {
            // Longer than any password we let anyone set: cannot match.
            return Err(AppError::Validation(
                "The password must be at most 128 characters long.".to_owned(),
            ));
        }
        let now = self.now();
        self.limit_ip(client, now).await?;
        // Guessing is locked out per network, so that a stranger's guesses
        // never lock the owner out of their own account.
        let lock_key = format!("{email}|{}", client_network(client));
        // Counted as a failure until it succeeds.
        if let Err(e) = self.login_lock.attempt(&lock_key, now).await {
            if matches!(e, AppError::RateLimited { .. }) {
                metrics::counter!("taproom_logins_total", "outcome" => "locked").increment(1);
            }
            return Err(e);
        }
        let delay = self.login_slowdown.delay(&email, now).await?;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }

        let user = users::find_by_email(&self.db, &email).await?;
        let ok = self
            .hasher
            .verify(user.as_ref().map(|u| u.password_hash.clone()), req.password)
            .await?;
        let user = match user {
            Some(user) if ok && user.is_active => user,
            other => {
                let now = self.now();
                metrics::counter!("taproom_logins_total", "outcome" => "failed").increment(1);
                self.login_slowdown.failed(&email, now).await?;
                if let Some(user) = other {
                    // The owner may see what was tried against the account.
                    let origin = client_origin(client, None, req.client_app);
                    self.activity
                        .record(&user.id, ActivityKind::SignInFailed, &origin, None)
                        .await;
                    if self.login_lock.is_locked(&lock_key, now).await? {
                        self.activity
                            .record(&user.id, ActivityKind::LockedOut, &origin, None)
                            .await;
                    }
                }
                return Err(AppError::InvalidCredentials);
            }
        };
        self.login_lock.succeeded(&lock_key).await?;
        metrics::counter!("taproom_logins_total", "outcome" => "ok").increment(1);
        let role = parse_role(&user.role)?;
        let version = user.credentials_version;
        let info = UserInfo {
            id: user.id,
            email: user.email,
            name: user.name,
            role,
        };
        self.open_session(info, version, client, req.client_app)
            .await
    }

    /// Creates a customer account and signs it in.
    pub async fn register(
        &self,
        req: RegisterRequest,
        client: &ClientInfo,
    ) -> AppResult<TokenResponse> {
        if !self.policy.registration_open {
            return Err(AppError::RegistrationClosed);
        }
        let email = normalize_email(&req.email).map_err(|m| AppError::Validation(m.to_owned()))?;
        let name = normalize_name(&req.name).map_err(|m| AppError::Validation(m.to_owned()))?;
        check_new_password(&req.password).map_err(|m| AppError::Validation(m.to_owned()))?;
        self.limit_ip(client, self.now()).await?;
        let hash = self.hasher.hash(req.password).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let new = users::NewUser {
            id: &id,
            email: &email,
            name: &name,
            role: Role::Customer.as_str(),
            password_hash: &hash,
            now: self.now(),
        };
        match users::insert(&self.db, &new).await {
            Ok(()) => {}
            Err(crate::db::DbError::UniqueViolation) => return Err(AppError::EmailTaken),
            Err(e) => return Err(e.into()),
        }
        let info = UserInfo {
            id,
            email,
            name,
            role: Role::Customer,
        };
        // A new account starts at credentials version 0.
        self.open_session(info, 0, client, req.client_app).await
    }

    async fn limit_ip(&self, client: &ClientInfo, now: i64) -> AppResult<()> {
        self.login_ip.check(&client_network(client), now).await
    }

    /// Opens a session for `user`, provided their credentials are still at
    /// `credentials_version` and the account active when it is written,
    /// and logs the sign-in (with the new-device check).
    async fn open_session(
        &self,
        user: UserInfo,
        credentials_version: i64,
        client: &ClientInfo,
        app: Option<ClientApp>,
    ) -> AppResult<TokenResponse> {
        let user_id = user.id.clone();
        let (tokens, sid) = self
            .insert_session(user, credentials_version, client, app)
            .await?;
        let origin = client_origin(client, Some(&sid), app);
        self.activity.signed_in(&user_id, &origin).await;
        Ok(tokens)
    }

    async fn insert_session(
        &self,
        user: UserInfo,
        credentials_version: i64,
        client: &ClientInfo,
        app: Option<ClientApp>,
    ) -> AppResult<(TokenResponse, String)> {
        let now = self.now();
        let sid = uuid::Uuid::new_v4().to_string();
        let seed = random_hex(16);
        let absolute = now.saturating_add(self.policy.lifetime_ms);
        let expires_at = now.saturating_add(self.policy.refresh_ttl_ms).min(absolute);
        let refresh = self.refresh_token(&user.id, user.role, &sid, &seed, now, expires_at);
        let (access, jti) = self.access_token(&user.id, user.role, &sid, now);
        let user_agent = client.user_agent.as_deref().map(device::clamp_user_agent);
        let device_info = device::describe(user_agent.as_deref());
        let hash = TokenHash::of(&refresh);
        let new = NewSession {
            id: &sid,
            user_id: &user.id,
            refresh_token_hash: hash.as_str(),
            refresh_seed: &seed,
            access_token_jti: &jti,
            device_info: &device_info,
            ip_address: client.ip.as_deref(),
            user_agent: user_agent.as_deref(),
            client_app: app.map(ClientApp::as_str),
            expires_at,
            absolute_expires_at: absolute,
            now,
            credentials_version,
        };
        let ended = match store::insert_within_limit(&self.db, &new, self.policy.max_sessions).await
        {
            Ok(ended) => ended,
            // The password checked belongs to the past: as if it were wrong.
            Err(OpenError::CredentialsChanged) => return Err(AppError::InvalidCredentials),
            Err(OpenError::Db(e)) => return Err(e.into()),
        };
        if !ended.is_empty() {
            self.announce_ended(&ended).await;
        }
        Ok((self.token_response(access, refresh, user), sid))
    }

    /// Exchanges a refresh token for a new pair (see the module docs).
    pub async fn refresh(&self, token: &str, client: &ClientInfo) -> AppResult<TokenResponse> {
        let now = self.now();
        let claims = self.verify(token, TokenType::Refresh, Some(now))?;
        self.refresh_limit.check(&claims.sid, now).await?;
        let presented = TokenHash::of(token);
        if let Some(tokens) = self
            .rotate_at_once(&claims, &presented, client, now)
            .await?
        {
            return Ok(tokens);
        }
        // A lost compare-and-swap means another refresh just rotated; read
        // again and decide with the new state. Twice is plenty: the loser of
        // a race finds its token in `previous` on the next look.
        for _ in 0..3 {
            let row = self.live_session(&claims).await?;
            let user = user_info(&row)?;
            let s = &row.session;
            let current = TokenHash::from_stored(s.refresh_token_hash.clone());
            if presented.ct_eq(&current) {
                let seed = random_hex(16);
                let expires_at = now
                    .saturating_add(self.policy.refresh_ttl_ms)
                    .min(s.absolute_expires_at);
                let refresh =
                    self.refresh_token(&user.id, user.role, &s.id, &seed, now, expires_at);
                let (access, jti) = self.access_token(&user.id, user.role, &s.id, now);
                let new_hash = TokenHash::of(&refresh);
                let rotation = Rotation {
                    id: &s.id,
                    old_hash: current.as_str(),
                    new_hash: new_hash.as_str(),
                    new_seed: &seed,
                    access_token_jti: &jti,
                    expires_at,
                    ip_address: client.ip.as_deref(),
                    now,
                };
                if store::rotate(&self.db, &rotation).await? {
                    metrics::counter!("taproom_refreshes_total", "outcome" => "rotated")
                        .increment(1);
                    return Ok(self.token_response(access, refresh, user));
                }
                continue;
            }
            let previous = s.previous_token_hash.clone().map(TokenHash::from_stored);
            if self.in_grace(s, now) && previous.as_ref().is_some_and(|p| presented.ct_eq(p)) {
                let refresh = self.refresh_token(
                    &user.id,
                    user.role,
                    &s.id,
                    &s.refresh_seed,
                    s.rotated_at,
                    s.expires_at,
                );
                if !TokenHash::of(&refresh).ct_eq(&current) {
                    // The user's role changed since the rotation; the old
                    // token cannot be honoured, but this is no theft.
                    return Err(AppError::SessionEnded);
                }
                let (access, _) = self.access_token(&user.id, user.role, &s.id, now);
                metrics::counter!("taproom_refreshes_total", "outcome" => "grace").increment(1);
                return Ok(self.token_response(access, refresh, user));
            }
            // A token we signed for this session that is no longer current:
            // it was rotated away, so whoever holds it may have stolen it.
            if store::revoke(&self.db, &s.id, EndReason::ReuseDetected.as_str(), now).await? {
                metrics::counter!("taproom_refresh_reuse_detected_total").increment(1);
                self.announce_ended(std::slice::from_ref(&s.id)).await;
                self.reuse_detected(&row, client).await;
            }
            tracing::warn!(session_id = %s.id, user_id = %s.user_id, "refresh token reuse detected; session revoked");
            return Err(AppError::TokenReused);
        }
        Err(AppError::Busy)
    }

    /// The common refresh in one statement, without reading first: the
    /// presented token is the session's current one, the session is live
    /// and its user active with the role the token carries, and its
    /// absolute expiry is not reached by the new token. `None` when any of
    /// that does not hold: nothing was changed, and the careful path
    /// (read, then decide) answers, exactly as it always has.
    async fn rotate_at_once(
        &self,
        claims: &Claims,
        presented: &TokenHash,
        client: &ClientInfo,
        now: i64,
    ) -> AppResult<Option<TokenResponse>> {
        let seed = random_hex(16);
        let expires_at = now.saturating_add(self.policy.refresh_ttl_ms);
        let refresh = self.refresh_token(
            &claims.sub,
            claims.role,
            &claims.sid,
            &seed,
            now,
            expires_at,
        );
        let (access, jti) = self.access_token(&claims.sub, claims.role, &claims.sid, now);
        let rotation = QuickRotation {
            id: claims.sid.clone(),
            user_id: claims.sub.clone(),
            role: claims.role.as_str(),
            old_hash: presented.as_str().to_owned(),
            new_hash: TokenHash::of(&refresh).as_str().to_owned(),
            new_seed: seed,
            access_token_jti: jti,
            expires_at,
            ip_address: client.ip.clone(),
            now,
        };
        let Some(rotated) = self.rotations.rotate(rotation).await? else {
            return Ok(None);
        };
        metrics::counter!("taproom_refreshes_total", "outcome" => "rotated").increment(1);
        let user = UserInfo {
            id: claims.sub.clone(),
            email: rotated.user_email,
            name: rotated.user_name,
            role: claims.role,
        };
        Ok(Some(self.token_response(access, refresh, user)))
    }

    /// Logs a refresh token that came back after its rotation, and the
    /// session it ended.
    async fn reuse_detected(&self, row: &SessionWithUser, client: &ClientInfo) {
        let s = &row.session;
        let origin = Origin {
            session_id: Some(&s.id),
            ip_address: client.ip.as_deref(),
            device: Some(s.device_info.as_str().into()),
            client_app: s.client_app.as_deref().and_then(ClientApp::parse),
        };
        let detail = format!("The session of {} was ended.", s.device_info);
        self.activity
            .record(
                &s.user_id,
                ActivityKind::ReuseDetected,
                &origin,
                Some(&detail),
            )
            .await;
    }

    /// Ends the session a refresh token belongs to. Idempotent.
    pub async fn logout(&self, token: &str, client: &ClientInfo) -> AppResult<()> {
        // An expired refresh token may still sign its session out.
        let claims = self.verify(token, TokenType::Refresh, None)?;
        let Some(row) = store::find_with_user(&self.db, &claims.sid).await? else {
            return Ok(());
        };
        let s = &row.session;
        if s.user_id != claims.sub {
            return Err(AppError::InvalidToken(JwtError::Signature));
        }
        let now = self.now();
        let presented = TokenHash::of(token);
        let is_current = presented.ct_eq(&TokenHash::from_stored(s.refresh_token_hash.clone()));
        if !is_current && claims.exp <= now.div_euclid(1000) {
            // An old token that has expired as well: nothing to end, and
            // nothing it could still be used for.
            return Ok(());
        }
        let is_previous = s
            .previous_token_hash
            .clone()
            .is_some_and(|p| presented.ct_eq(&TokenHash::from_stored(p)));
        // The same rules as refresh: a token rotated away longer ago than
        // the grace window is a replay, and the audit trail says so.
        let reason = if is_current || (is_previous && self.in_grace(s, now)) {
            EndReason::Logout
        } else {
            EndReason::ReuseDetected
        };
        if store::revoke(&self.db, &s.id, reason.as_str(), now).await? {
            self.announce_ended(std::slice::from_ref(&s.id)).await;
            if reason == EndReason::ReuseDetected {
                tracing::warn!(session_id = %s.id, user_id = %s.user_id, "rotated refresh token replayed at logout; session revoked");
                self.reuse_detected(&row, client).await;
            } else {
                let origin = Origin {
                    session_id: Some(&s.id),
                    ip_address: client.ip.as_deref(),
                    device: Some(s.device_info.as_str().into()),
                    client_app: s.client_app.as_deref().and_then(ClientApp::parse),
                };
                self.activity
                    .record(&s.user_id, ActivityKind::SignedOut, &origin, None)
                    .await;
            }
        }
        Ok(())
    }

    /// Ends every session of the caller; returns how many. Needs a recent
    /// proof of the password.
    pub async fn logout_all(&self, auth: &AuthContext, client: &ClientInfo) -> AppResult<u64> {
        self.require_recent_proof(auth).await?;
        let ended = self
            .end_user_sessions(&auth.user_id, None, EndReason::LogoutAll)
            .await?;
        let detail = format!("{ended} session(s) ended.");
        self.activity
            .record(
                &auth.user_id,
                ActivityKind::SignedOutEverywhere,
                &self.origin_of(auth, client),
                Some(&detail),
            )
            .await;
        Ok(ended)
    }

    /// Proves the password again for sensitive actions; answers until when
    /// they go through without asking (Unix ms).
    pub async fn reauth(
        &self,
        auth: &AuthContext,
        password: String,
        client: &ClientInfo,
    ) -> AppResult<i64> {
        if password.is_empty() {
            return Err(AppError::Validation("Enter your password.".to_owned()));
        }
        if password.chars().count() > PASSWORD_MAX_LEN {
            return Err(AppError::InvalidCredentials);
        }
        self.check_password(&auth.user_id, password).await?;
        let now = self.now();
        if !store::set_reauth(&self.db, &auth.session_id, now).await? {
            return Err(AppError::SessionEnded);
        }
        self.activity
            .record(
                &auth.user_id,
                ActivityKind::Reauthenticated,
                &self.origin_of(auth, client),
                None,
            )
            .await;
        Ok(now.saturating_add(self.policy.reauth_window_ms))
    }

    /// Refuses a sensitive action (403 `reauth_required`) unless the
    /// session proved the password within the window. Read from the
    /// session row, not the token: nothing a client holds can forge it.
    pub async fn require_recent_proof(&self, auth: &AuthContext) -> AppResult<()> {
        let at = store::reauth_at(&self.db, &auth.session_id)
            .await?
            .ok_or(AppError::SessionEnded)?;
        if self.now().saturating_sub(at) > self.policy.reauth_window_ms {
            return Err(AppError::ReauthRequired);
        }
        Ok(())
    }

    /// Verifies a user's current password, with the per-user limit on
    /// wrong ones (shared by re-authentication and password changes).
    async fn check_password(&self, user_id: &str, password: String) -> AppResult<()> {
        let now = self.now();
        self.password_check.attempt(user_id, now).await?;
        let user = users::find_by_id(&self.db, user_id)
            .await?
            .ok_or(AppError::SessionEnded)?;
        if !self
            .hasher
            .verify(Some(user.password_hash), password)
            .await?
        {
            return Err(AppError::InvalidCredentials);
        }
        self.password_check.succeeded(user_id).await?;
        Ok(())
    }

    /// Where a request of `auth` comes from, for the activity log.
    fn origin_of<'a>(&self, auth: &'a AuthContext, client: &'a ClientInfo) -> Origin<'a> {
        client_origin(client, Some(&auth.session_id), None)
    }

    /// New-device alerts waiting for the session of `auth` (see
    /// `ActivityLog::waiting_alerts`).
    pub async fn waiting_alerts(
        &self,
        auth: &AuthContext,
    ) -> AppResult<Vec<shared::security::NewSignIn>> {
        let row = store::find_with_user(&self.db, &auth.session_id)
            .await?
            .ok_or(AppError::SessionEnded)?;
        let network = row
            .session
            .ip_address
            .as_deref()
            .and_then(crate::services::activity::network_of);
        let asking = crate::services::activity::AskingSession {
            session_id: &auth.session_id,
            device: &row.session.device_info,
            network: network.as_deref(),
        };
        self.activity.waiting_alerts(&auth.user_id, &asking).await
    }

    /// The activity log (for the routes that read it).
    pub fn activity(&self) -> &ActivityLog {
        &self.activity
    }

    /// Ends a user's sessions (all, or all but `keep`); returns how many.
    pub async fn end_user_sessions(
        &self,
        user_id: &str,
        keep: Option<&str>,
        reason: EndReason,
    ) -> AppResult<u64> {
        let ended =
            store::revoke_all_for_user(&self.db, user_id, keep, reason.as_str(), self.now())
                .await?;
        self.announce_ended(&ended).await;
        Ok(ended.len() as u64)
    }

    /// The caller's active sessions, most recently active first.
    pub async fn list(&self, auth: &AuthContext) -> AppResult<Vec<SessionInfo>> {
        let rows = store::list_active(&self.db, &auth.user_id, self.now()).await?;
        Ok(rows
            .into_iter()
            .map(|row| session_info(row, &auth.session_id))
            .collect())
    }

    /// Ends one of the caller's own sessions.
    pub async fn revoke_own(
        &self,
        auth: &AuthContext,
        session_id: &str,
        client: &ClientInfo,
    ) -> AppResult<()> {
        let not_found = || AppError::NotFound("No session of yours has this id.".to_owned());
        let row = store::find_with_user(&self.db, session_id)
            .await?
            .ok_or_else(not_found)?;
        if row.session.user_id != auth.user_id {
            return Err(not_found());
        }
        if store::revoke(
            &self.db,
            session_id,
            EndReason::RevokedByUser.as_str(),
            self.now(),
        )
        .await?
        {
            self.announce_ended(&[session_id.to_owned()]).await;
            let detail = format!("Signed out {}.", row.session.device_info);
            self.activity
                .record(
                    &auth.user_id,
                    ActivityKind::DeviceSignedOut,
                    &self.origin_of(auth, client),
                    Some(&detail),
                )
                .await;
        }
        // Its new-device alert, if any, is answered.
        self.activity
            .session_signed_out(&auth.user_id, session_id)
            .await;
        Ok(())
    }

    /// Changes the caller's password and ends every other session.
    pub async fn change_password(
        &self,
        auth: &AuthContext,
        req: ChangePasswordRequest,
        client: &ClientInfo,
    ) -> AppResult<u64> {
        if req.current_password.is_empty() {
            return Err(AppError::Validation(
                "Enter your current password.".to_owned(),
            ));
        }
        if req.current_password.chars().count() > PASSWORD_MAX_LEN {
            return Err(AppError::InvalidCredentials);
        }
        check_new_password(&req.new_password).map_err(|m| AppError::Validation(m.to_owned()))?;
        if req.new_password == req.current_password {
            return Err(AppError::Validation(
                "The new password must differ from the current one.".to_owned(),
            ));
        }
        self.check_password(&auth.user_id, req.current_password)
            .await?;
        let hash = self.hasher.hash(req.new_password).await?;
        let ended = self
            .change_credentials(
                &auth.user_id,
                CredentialChange::Password(&hash),
                Some(&auth.session_id),
                EndReason::PasswordChanged,
            )
            .await?
            .ok_or(AppError::SessionEnded)?;
        // Knowing the current password is a fresh proof.
        store::set_reauth(&self.db, &auth.session_id, self.now()).await?;
        let detail = format!("{ended} other session(s) ended.");
        self.activity
            .record(
                &auth.user_id,
                ActivityKind::PasswordChanged,
                &self.origin_of(auth, client),
                Some(&detail),
            )
            .await;
        Ok(ended)
    }

    /// Changes a user's password or switches the account off, and ends
    /// their sessions but `keep`, at once and on every instance; `None`
    /// if there is no such user. Logins that checked the old credentials
    /// open no session afterwards.
    pub async fn change_credentials(
        &self,
        user_id: &str,
        change: CredentialChange<'_>,
        keep: Option<&str>,
        reason: EndReason,
    ) -> AppResult<Option<u64>> {
        let now = self.now();
        let Some(ended) =
            users::change_credentials(&self.db, user_id, change, keep, reason.as_str(), now)
                .await?
        else {
            return Ok(None);
        };
        self.announce_ended(&ended).await;
        Ok(Some(ended.len() as u64))
    }

    /// Checks an access token and that its session is still active.
    pub async fn authenticate(&self, token: &str) -> AppResult<AuthContext> {
        let now = self.now();
        let claims = self.verify(token, TokenType::Access, Some(now))?;
        let session = match self.cache.get(&claims.sid, now) {
            Some(Entry::Ended(_)) => return Err(AppError::SessionEnded),
            Some(Entry::Active(a)) => a,
            None => {
                let read = self.cache.begin_read();
                let row = self.live_session(&claims).await?;
                let active = active_session(&row, now)?;
                self.cache_fill.pass().await;
                self.cache.put_active(&claims.sid, active.clone(), read);
                active
            }
        };
        if session.user.id != claims.sub {
            return Err(AppError::InvalidToken(JwtError::Signature));
        }
        if self.cache.claim_touch(&claims.sid, now, TOUCH_EVERY_MS) {
            let db = self.db.clone();
            let sid = claims.sid.clone();
            // Activity is bookkeeping: the request must not wait for it.
            tokio::spawn(async move {
                if let Err(e) = store::touch(&db, &sid, now).await {
                    tracing::warn!(error = %e, "could not record session activity");
                }
            });
        }
        Ok(AuthContext {
            user_id: session.user.id.clone(),
            role: session.user.role,
            session_id: claims.sid,
            user: session.user,
        })
    }

    /// Whether a session is still active (a live stream asks this every
    /// few seconds): from the cache, or read from the database and cached.
    pub async fn is_alive(&self, sid: &str, user_id: &str) -> AppResult<bool> {
        let now = self.now();
        match self.cache.get(sid, now) {
            Some(Entry::Ended(_)) => Ok(false),
            Some(Entry::Active(a)) => Ok(a.expires_at > now && a.user.id == user_id),
            None => self.is_alive_in_db(sid, user_id).await,
        }
    }

    /// Whether a session is still active, asking the database (and caching
    /// the answer when the cache may be trusted).
    async fn is_alive_in_db(&self, sid: &str, user_id: &str) -> AppResult<bool> {
        let read = self.cache.begin_read();
        match self.live_session_of(sid, user_id).await {
            Ok(row) => {
                let now = self.now();
                self.cache.put_active(sid, active_session(&row, now)?, read);
                Ok(true)
            }
            Err(AppError::SessionEnded | AppError::InvalidToken(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether the session cache is trusted now (false while this instance
    /// cannot hear other instances' revocations).
    pub fn cache_trusted(&self) -> bool {
        self.cache.is_enabled()
    }

    /// Holds the next request that read a session from the database just
    /// before it caches the answer (a seam for tests of lost revocation
    /// notices; nothing in the server holds it).
    pub fn hold_next_cache_fill(&self) -> Hold {
        self.cache_fill.hold_next()
    }

    /// The queue that commits rotations together (for its figures, and
    /// for tests to hold a batch).
    pub fn rotations(&self) -> &Rotations {
        &self.rotations
    }

    /// Follows one session for a live stream: see [`SessionWatch`].
    pub fn watch(self: &Arc<Self>, auth: &AuthContext) -> SessionWatch {
        SessionWatch {
            sessions: self.clone(),
            session_id: auth.session_id.clone(),
            user_id: auth.user_id.clone(),
            verified: self.cache.begin_read(),
            ended: self.cache.watch_ended(&auth.session_id),
        }
    }

    /// Issues a single-use ticket that opens a live stream for the caller's
    /// session within [`STREAM_TICKET_TTL_MS`]. Only its hash is stored.
    pub async fn issue_stream_ticket(&self, auth: &AuthContext) -> AppResult<StreamTicket> {
        let now = self.now();
        self.ticket_limit.check(&auth.session_id, now).await?;
        let ticket = random_hex(32);
        let expires_at = now + STREAM_TICKET_TTL_MS;
        stream_tickets::insert_ticket(
            &self.db,
            TokenHash::of(&ticket).as_str(),
            &auth.session_id,
            expires_at,
        )
        .await?;
        Ok(StreamTicket {
            ticket,
            expires_in: STREAM_TICKET_TTL_MS / 1000,
        })
    }

    /// Uses up a stream ticket and answers for whom it was issued, if its
    /// session is still active.
    pub async fn redeem_stream_ticket(&self, ticket: &str) -> AppResult<AuthContext> {
        if ticket.len() != 64 || !ticket.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::InvalidTicket);
        }
        let now = self.now();
        let sid = stream_tickets::take_ticket(&self.db, TokenHash::of(ticket).as_str(), now)
            .await?
            .ok_or(AppError::InvalidTicket)?;
        let row = store::find_with_user(&self.db, &sid)
            .await?
            .ok_or(AppError::SessionEnded)?;
        let row = self
            .live_session_of(&sid, &row.session.user_id.clone())
            .await?;
        let user = user_info(&row)?;
        Ok(AuthContext {
            user_id: user.id.clone(),
            role: user.role,
            session_id: sid,
            user: Arc::new(user),
        })
    }

    /// Ends any user's session (the admin console); false if it was not active.
    pub async fn revoke_any(&self, session_id: &str, reason: EndReason) -> AppResult<bool> {
        let ended = store::revoke(&self.db, session_id, reason.as_str(), self.now()).await?;
        if ended {
            self.announce_ended(&[session_id.to_owned()]).await;
        }
        Ok(ended)
    }

    /// The signed-in user.
    /// Answered from the session check, which read the user with the
    /// session: no second query.
    pub fn me(&self, auth: &AuthContext) -> UserInfo {
        UserInfo::clone(&auth.user)
    }

    /// How many sessions are active and unexpired (for the metrics).
    pub async fn count_active(&self) -> AppResult<i64> {
        Ok(store::count_active(&self.db, self.now()).await?)
    }

    /// Marks expired sessions inactive and deletes rows past retention.
    pub async fn cleanup(&self) -> AppResult<CleanupReport> {
        let now = self.now();
        let mut report = sweep(&self.db, now, self.policy.retention_ms).await?;
        report.activity_purged = self
            .activity
            .purge(self.policy.activity_retention_ms)
            .await?;
        stream_tickets::purge_tickets(&self.db, now).await?;
        self.cache.prune(now);
        self.login_ip.prune(now);
        self.login_lock.prune(now);
        self.login_slowdown.prune(now);
        self.password_check.prune(now);
        self.refresh_limit.prune(now);
        self.ticket_limit.prune(now);
        self.limits.prune(now).await?;
        Ok(report)
    }

    /// Whether the last rotation of `s` is recent enough for its previous
    /// token to be honoured.
    fn in_grace(&self, s: &SessionRow, now: i64) -> bool {
        self.policy.grace_ms > 0 && now - s.rotated_at <= self.policy.grace_ms
    }

    /// How long a refresh token (and its cookie) may live, in seconds.
    pub fn refresh_ttl_secs(&self) -> i64 {
        self.policy.refresh_ttl_ms / 1000
    }

    /// The access token lifetime in seconds.
    pub fn access_ttl_secs(&self) -> i64 {
        self.policy.access_ttl_ms / 1000
    }

    /// Verifies a token; with `now_ms` of `None` an expired token passes.
    fn verify(&self, token: &str, kind: TokenType, now_ms: Option<i64>) -> AppResult<Claims> {
        if token.len() > TOKEN_MAX_LEN {
            return Err(AppError::InvalidToken(JwtError::Malformed));
        }
        let expiry = now_ms.map_or(Expiry::Ignored, |ms| Expiry::CheckedAt(ms.div_euclid(1000)));
        Ok(self.keys.verify(token, kind, expiry)?)
    }

    /// The token's session and user, if both are still in good standing.
    async fn live_session(&self, claims: &Claims) -> AppResult<SessionWithUser> {
        self.live_session_of(&claims.sid, &claims.sub).await
    }

    /// A session and its user, if both are still in good standing.
    async fn live_session_of(&self, sid: &str, user_id: &str) -> AppResult<SessionWithUser> {
        let now = self.now();
        let row = store::find_with_user(&self.db, sid)
            .await?
            .ok_or(AppError::SessionEnded)?;
        let s = &row.session;
        if s.user_id != user_id {
            return Err(AppError::InvalidToken(JwtError::Signature));
        }
        if !s.is_active || !row.user_active || s.expires_at <= now || s.absolute_expires_at <= now {
            if !s.is_active {
                self.cache.mark_ended([s.id.as_str()], now);
            }
            return Err(AppError::SessionEnded);
        }
        Ok(row)
    }

    async fn announce_ended(&self, ids: &[String]) {
        self.cache
            .mark_ended(ids.iter().map(String::as_str), self.now());
        revocation::announce_ended(&self.db, &self.cache, ids).await;
    }

    fn access_token(&self, user_id: &str, role: Role, sid: &str, now: i64) -> (String, String) {
        let jti = uuid::Uuid::new_v4().simple().to_string();
        let claims = Claims {
            sub: user_id.to_owned(),
            role,
            sid: sid.to_owned(),
            token_type: TokenType::Access,
            iat: now.div_euclid(1000),
            exp: now
                .saturating_add(self.policy.access_ttl_ms)
                .div_euclid(1000),
            jti: jti.clone(),
        };
        (self.keys.sign(&claims), jti)
    }

    /// The refresh token of one rotation; the same inputs give the same token.
    fn refresh_token(
        &self,
        user_id: &str,
        role: Role,
        sid: &str,
        seed: &str,
        iat: i64,
        exp: i64,
    ) -> String {
        let claims = Claims {
            sub: user_id.to_owned(),
            role,
            sid: sid.to_owned(),
            token_type: TokenType::Refresh,
            iat: iat.div_euclid(1000),
            exp: exp.div_euclid(1000),
            jti: self.keys.derive("refresh-jti", &format!("{sid}:{seed}")),
        };
        self.keys.sign(&claims)
    }

    fn token_response(&self, access: String, refresh: String, user: UserInfo) -> TokenResponse {
        TokenResponse {
            access_token: access,
            refresh_token: refresh,
            token_type: "bearer".to_owned(),
            expires_in: self.access_ttl_secs(),
            user,
        }
    }
}

/// One session as a live stream follows it.
///
/// The stream is told at once when the session is marked ended in the
/// session cache (by this instance, or by another through its notice).
/// While the cache is bypassed, or once it has been (its listening
/// connection dropped, so notices may have been lost), the session is
/// read from the database before anything more is sent.
pub struct SessionWatch {
    sessions: Arc<SessionService>,
    session_id: String,
    user_id: String,
    verified: ReadTicket,
    ended: tokio::sync::watch::Receiver<bool>,
}

impl SessionWatch {
    /// Whether the stream may send something now. Cheap while the cache is
    /// trusted (a flag); a database read otherwise. An error means the
    /// session could not be checked: the stream must not carry on.
    pub async fn may_send(&mut self) -> AppResult<bool> {
        if *self.ended.borrow() {
            return Ok(false);
        }
        let cache = &self.sessions.cache;
        if cache.must_recheck(self.verified) {
            self.verified = cache.begin_read();
            if !self
                .sessions
                .is_alive_in_db(&self.session_id, &self.user_id)
                .await?
            {
                return Ok(false);
            }
            // A notice may have come in while we read.
            return Ok(!*self.ended.borrow());
        }
        Ok(true)
    }

    /// The periodic check: also catches expiry, which sends no notice.
    pub async fn still_active(&mut self) -> AppResult<bool> {
        if !self.may_send().await? {
            return Ok(false);
        }
        self.sessions
            .is_alive(&self.session_id, &self.user_id)
            .await
    }

    /// Resolves when the session is marked ended (never, if the cache is
    /// dropped first).
    pub async fn ended(&mut self) {
        if self.ended.wait_for(|ended| *ended).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for SessionWatch {
    fn drop(&mut self) {
        // Our receiver goes with us; the cache forgets the signal once no
        // other stream of the session watches it.
        let (_, closed) = tokio::sync::watch::channel(false);
        drop(std::mem::replace(&mut self.ended, closed));
        self.sessions.cache.unwatch(&self.session_id);
    }
}

/// Marks expired sessions inactive and deletes ended rows whose expiry is
/// more than `retention_ms` ago (the `cleanup` command and the periodic job).
pub async fn sweep(db: &Db, now: i64, retention_ms: i64) -> AppResult<CleanupReport> {
    let expired = store::expire(db, now).await?;
    let purged = store::purge(db, now.saturating_sub(retention_ms)).await?;
    Ok(CleanupReport {
        expired,
        purged,
        activity_purged: 0,
    })
}

/// The rate-limit key of a client address: IPv4 as it is, IPv6 by its /64,
/// since one subscriber usually holds a whole /64.
fn rate_key_for_ip(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map_or_else(|| ip.to_owned(), |v4| v4.to_string()),
        _ => ip.to_owned(),
    }
}

/// Where a request comes from, for the activity log.
fn client_origin<'a>(
    client: &'a ClientInfo,
    session_id: Option<&'a str>,
    app: Option<ClientApp>,
) -> Origin<'a> {
    Origin {
        session_id,
        ip_address: client.ip.as_deref(),
        device: Some(client.device().into()),
        client_app: app,
    }
}

/// The network a login comes from, for the per-network lock: the rate
/// key of its address, or one shared key when the address is unknown.
fn client_network(client: &ClientInfo) -> String {
    client
        .ip
        .as_deref()
        .map_or_else(|| "unknown".to_owned(), rate_key_for_ip)
}

fn active_session(row: &SessionWithUser, now: i64) -> AppResult<ActiveSession> {
    Ok(ActiveSession {
        user: Arc::new(user_info(row)?),
        expires_at: row.session.expires_at.min(row.session.absolute_expires_at),
        checked_at: now,
        touched_at: row.session.last_activity,
    })
}

fn parse_role(role: &str) -> AppResult<Role> {
    Role::parse(role)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown role {role:?} in the database")))
}

fn user_info(row: &SessionWithUser) -> AppResult<UserInfo> {
    Ok(UserInfo {
        id: row.session.user_id.clone(),
        email: row.user_email.clone(),
        name: row.user_name.clone(),
        role: parse_role(&row.user_role)?,
    })
}

fn session_info(row: SessionRow, current: &str) -> SessionInfo {
    SessionInfo {
        is_current: row.id == current,
        device_info: row.device_info,
        ip_address: row.ip_address,
        user_agent: row.user_agent,
        client_app: row.client_app.as_deref().and_then(ClientApp::parse),
        created_at: rfc3339(row.created_at),
        last_activity: rfc3339(row.last_activity),
        expires_at: rfc3339(row.expires_at.min(row.absolute_expires_at)),
        id: row.id,
    }
}

#[cfg(test)]
mod tests {
    use super::rate_key_for_ip;

    #[test]
    fn ipv6_clients_are_limited_by_their_64_prefix() {
        assert_eq!(rate_key_for_ip("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            rate_key_for_ip("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            rate_key_for_ip("2001:db8:1:2::9")
        );
        assert_ne!(
            rate_key_for_ip("2001:db8:1:3::1"),
            rate_key_for_ip("2001:db8:1:2::1")
        );
        assert_eq!(rate_key_for_ip("203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_key_for_ip("::ffff:203.0.113.7"), "203.0.113.7");
    }
}
