//! The admin console: users (create staff, deactivate, reactivate, reset
//! password), every session of every user, today's figures and a past
//! or present day's figures by hour for the dashboard's charts.
//!
//! Deactivating a user and resetting a password end the user's sessions
//! through the sessions service, which also tells the other instances, so
//! the user's access tokens and live streams stop at once.
//!
//! Every action on users and on other people's sessions can lock someone
//! out or change who may do what, so it needs the admin's password proved
//! recently (`SessionService::require_recent_proof`), and each lands in
//! the affected user's activity log.

use std::sync::Arc;

use chrono::Days;

use shared::api::{check_new_password, ClientApp, EndReason, Role};
use shared::bar::{
    AdminSession, AdminSessionsResponse, AdminUser, AdminUserAction, AdminUsersResponse,
    BestSeller, DayFigures, DayTotals, FiguresSpan, HourFigures, NewStaffRequest, ReadyBucket,
    ReadyTimes, SessionsPerApp, TodayStats, FIGURES_DAYS_BACK, READY_BUCKET_MINUTES,
};
use shared::security::ActivityKind;

use crate::clock::{rfc3339, Clock};
use crate::crypto::password::PasswordHasher;
use crate::db::sessions::{self as session_store, SessionFilter, SessionWithUser};
use crate::db::users::{self, CredentialChange, UserRow};
use crate::db::{orders, Db};
use crate::error::{AppError, AppResult};
use crate::services::activity::Origin;
use crate::services::orders::{local_date, local_day_start, local_midnight};
use crate::services::sessions::{AuthContext, SessionService};
use crate::services::users::{create_user, Created};

/// Most rows one console list returns.
const LIST_LIMIT: i64 = 200;

/// The admin service.
pub struct AdminService {
    db: Db,
    clock: Arc<dyn Clock>,
    hasher: PasswordHasher,
    sessions: Arc<SessionService>,
}

/// Which sessions to list.
pub struct SessionQuery {
    pub user_id: Option<String>,
    pub app: Option<ClientApp>,
    pub active: Option<bool>,
}

impl AdminService {
    /// Builds the service.
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        hasher: PasswordHasher,
        sessions: Arc<SessionService>,
    ) -> AdminService {
        AdminService {
            db,
            clock,
            hasher,
            sessions,
        }
    }

    /// Users whose name or e-mail contains `query`, newest first.
    pub async fn users(&self, query: &str) -> AppResult<AdminUsersResponse> {
        let query: String = query.trim().chars().take(100).collect();
        let rows = users::search(&self.db, &query, self.clock.now_ms(), LIST_LIMIT).await?;
        let users = rows
            .into_iter()
            .map(|r| admin_user(r.user, r.active_sessions))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(AdminUsersResponse {
            total: users.len() as u64,
            users,
        })
    }

    /// Creates an account with a role (staff, or a customer on their behalf).
    pub async fn create(&self, auth: &AuthContext, req: NewStaffRequest) -> AppResult<AdminUser> {
        self.sessions.require_recent_proof(auth).await?;
        let created = create_user(
            &self.db,
            &self.hasher,
            self.clock.as_ref(),
            &req.email,
            &req.name,
            req.role,
            req.password,
        )
        .await?;
        if created == Created::Existing {
            return Err(AppError::EmailTaken);
        }
        let email = shared::api::normalize_email(&req.email)
            .map_err(|m| AppError::Validation(m.to_owned()))?;
        let user = users::find_by_email(&self.db, &email)
            .await?
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("created user not found")))?;
        admin_user(user, 0)
    }

    /// Switches a user off and ends all their sessions at once.
    pub async fn deactivate(&self, auth: &AuthContext, id: &str) -> AppResult<AdminUserAction> {
        if id == auth.user_id {
            return Err(AppError::Conflict {
                code: "cannot_deactivate_self",
                message: "You cannot deactivate your own account.".to_owned(),
            });
        }
        self.sessions.require_recent_proof(auth).await?;
        self.find(id).await?;
        let revoked = self
            .sessions
            .change_credentials(
                id,
                CredentialChange::Deactivate,
                None,
                EndReason::UserDeactivated,
            )
            .await?
            .ok_or_else(no_user)?;
        self.log(id, ActivityKind::Deactivated, auth, revoked).await;
        self.action(
            id,
            revoked,
            format!("Deactivated; {} ended.", sessions_word(revoked)),
        )
        .await
    }

    /// Switches a user back on.
    pub async fn reactivate(&self, auth: &AuthContext, id: &str) -> AppResult<AdminUserAction> {
        self.sessions.require_recent_proof(auth).await?;
        self.find(id).await?;
        users::reactivate(&self.db, id, self.clock.now_ms()).await?;
        self.log(id, ActivityKind::Reactivated, auth, 0).await;
        self.action(id, 0, "Reactivated: the user can sign in again.".to_owned())
            .await
    }

    /// Sets a new password and ends all of the user's sessions.
    pub async fn reset_password(
        &self,
        auth: &AuthContext,
        id: &str,
        password: String,
    ) -> AppResult<AdminUserAction> {
        check_new_password(&password).map_err(|m| AppError::Validation(m.to_owned()))?;
        self.sessions.require_recent_proof(auth).await?;
        self.find(id).await?;
        let hash = self.hasher.hash(password).await?;
        // An admin resetting their own password keeps the session in use.
        let keep = (id == auth.user_id).then_some(auth.session_id.as_str());
        let revoked = self
            .sessions
            .change_credentials(
                id,
                CredentialChange::Password(&hash),
                keep,
                EndReason::PasswordReset,
            )
            .await?
            .ok_or_else(no_user)?;
        self.log(id, ActivityKind::PasswordReset, auth, revoked)
            .await;
        self.action(
            id,
            revoked,
            format!("Password reset; {} ended.", sessions_word(revoked)),
        )
        .await
    }

    /// Ends every session of a user.
    pub async fn sign_out_everywhere(
        &self,
        auth: &AuthContext,
        id: &str,
    ) -> AppResult<AdminUserAction> {
        self.sessions.require_recent_proof(auth).await?;
        self.find(id).await?;
        let revoked = self
            .sessions
            .end_user_sessions(id, None, EndReason::RevokedByAdmin)
            .await?;
        self.log(id, ActivityKind::EndedByAdmin, auth, revoked)
            .await;
        self.action(
            id,
            revoked,
            format!("{} ended.", capitalised(&sessions_word(revoked))),
        )
        .await
    }

    /// Sessions of every user, filtered.
    pub async fn sessions(
        &self,
        q: &SessionQuery,
        current_session: &str,
    ) -> AppResult<AdminSessionsResponse> {
        let filter = SessionFilter {
            user_id: q.user_id.as_deref(),
            client_app: q.app.map(ClientApp::as_str),
            active: q.active,
            now: self.clock.now_ms(),
            limit: LIST_LIMIT,
        };
        let rows = session_store::search(&self.db, &filter).await?;
        let now = self.clock.now_ms();
        let sessions = rows
            .into_iter()
            .map(|r| admin_session(r, now, current_session))
            .collect::<AppResult<Vec<_>>>()?;
        Ok(AdminSessionsResponse {
            total: sessions.len() as u64,
            sessions,
        })
    }

    /// Ends one session of any user.
    pub async fn revoke(&self, auth: &AuthContext, session_id: &str) -> AppResult<bool> {
        if session_id.len() > 64 {
            return Err(AppError::NotFound("There is no such session.".to_owned()));
        }
        self.sessions.require_recent_proof(auth).await?;
        let Some(row) = session_store::find_with_user(&self.db, session_id).await? else {
            return Err(AppError::NotFound("There is no such session.".to_owned()));
        };
        let ended = self
            .sessions
            .revoke_any(session_id, EndReason::RevokedByAdmin)
            .await?;
        if ended {
            let origin = Origin {
                session_id: Some(session_id),
                ip_address: None,
                device: Some(row.session.device_info.as_str().into()),
                client_app: row.session.client_app.as_deref().and_then(ClientApp::parse),
            };
            let detail = format!("Ended by {}.", auth.user.email);
            self.sessions
                .activity()
                .record(
                    &row.session.user_id,
                    ActivityKind::EndedByAdmin,
                    &origin,
                    Some(&detail),
                )
                .await;
        }
        Ok(ended)
    }

    /// Logs an admin's action in the affected user's activity.
    async fn log(&self, user_id: &str, kind: ActivityKind, auth: &AuthContext, ended: u64) {
        let detail = match ended {
            0 => format!("By {}.", auth.user.email),
            n => format!("By {}; {} ended.", auth.user.email, sessions_word(n)),
        };
        self.sessions
            .activity()
            .record(user_id, kind, &Origin::default(), Some(&detail))
            .await;
    }

    /// Today's figures.
    pub async fn today(&self) -> AppResult<TodayStats> {
        let now = self.clock.now_ms();
        let (figures, open) = orders::figures(&self.db, local_midnight(now)).await?;
        let mut per_app = SessionsPerApp::default();
        for (app, n) in session_store::active_per_app(&self.db, now).await? {
            match app.as_deref().and_then(ClientApp::parse) {
                Some(ClientApp::Customer) => per_app.customer += n,
                Some(ClientApp::Bartender) => per_app.bartender += n,
                Some(ClientApp::Admin) => per_app.admin += n,
                None => {}
            }
        }
        Ok(TodayStats {
            orders: figures.orders,
            cancelled: figures.cancelled,
            revenue_cents: figures.revenue_cents,
            avg_seconds_to_ready: figures
                .avg_ms_to_ready
                .map(|ms| (ms / 100.0).round() / 10.0),
            open_orders: open.orders,
            open_tabs: open.tabs,
            open_tabs_cents: open.tabs_cents,
            active_sessions: per_app,
        })
    }

    /// One local day's figures by hour, time to ready and best sellers, or
    /// those of the week ending with that day: today when `day` is
    /// `None`, else a `YYYY-MM-DD` from the last [`FIGURES_DAYS_BACK`]
    /// days.
    pub async fn day_figures(&self, day: Option<&str>, span: FiguresSpan) -> AppResult<DayFigures> {
        let today = local_date(self.clock.now_ms());
        let day = match day.filter(|d| !d.is_empty()) {
            None => today,
            Some(text) => parse_day(text, today)?,
        };
        let from = day
            .checked_sub_days(Days::new(u64::from(span.days() - 1)))
            .unwrap_or(day);
        let since = local_day_start(from);
        let until = day.succ_opt().map_or(since + 86_400_000, local_day_start);
        let rows = orders::day_figures(&self.db, since, until).await?;
        let mut hours: Vec<HourFigures> = (0..24)
            .map(|hour| HourFigures {
                hour,
                orders: 0,
                revenue_cents: 0,
            })
            .collect();
        let mut days: Vec<DayTotals> = from
            .iter_days()
            .take_while(|d| *d <= day)
            .map(|d| DayTotals {
                day: d.format("%Y-%m-%d").to_string(),
                orders: 0,
                revenue_cents: 0,
            })
            .collect();
        for row in rows.hours {
            let (day_slot, hour_slot) = match span {
                // Hours are counted from the day's start, so the extra hour
                // of a 25-hour day (clocks going back) joins the last one.
                FiguresSpan::Day => (0, usize::try_from(row.hour).unwrap_or(0).min(23)),
                FiguresSpan::Week => local_slot(from, since + row.hour * 3_600_000),
            };
            let day_slot = day_slot.min(days.len().saturating_sub(1));
            hours[hour_slot].orders += row.orders;
            hours[hour_slot].revenue_cents += row.revenue_cents;
            if let Some(totals) = days.get_mut(day_slot) {
                totals.orders += row.orders;
                totals.revenue_cents += row.revenue_cents;
            }
        }
        let buckets = READY_BUCKET_MINUTES
            .into_iter()
            .map(Some)
            .chain([None])
            .zip(rows.ready_buckets)
            .map(|(up_to_minutes, orders)| ReadyBucket {
                up_to_minutes,
                orders,
            })
            .collect();
        Ok(DayFigures {
            day: day.format("%Y-%m-%d").to_string(),
            span,
            from: from.format("%Y-%m-%d").to_string(),
            days,
            hours,
            to_ready: ReadyTimes {
                count: rows.ready_buckets.iter().sum(),
                p50_seconds: rows.p50_ms.map(seconds),
                p90_seconds: rows.p90_ms.map(seconds),
                buckets,
            },
            best_sellers: rows
                .best_sellers
                .into_iter()
                .map(|s| BestSeller {
                    name: s.name,
                    quantity: s.quantity,
                    revenue_cents: s.revenue_cents,
                })
                .collect(),
        })
    }

    async fn find(&self, id: &str) -> AppResult<UserRow> {
        if id.len() > 64 {
            return Err(no_user());
        }
        users::find_by_id(&self.db, id).await?.ok_or_else(no_user)
    }

    async fn action(&self, id: &str, revoked: u64, message: String) -> AppResult<AdminUserAction> {
        let user = self.find(id).await?;
        let count = users::active_session_count(&self.db, id, self.clock.now_ms()).await?;
        Ok(AdminUserAction {
            user: admin_user(user, count)?,
            revoked,
            message,
        })
    }
}

fn no_user() -> AppError {
    AppError::NotFound("There is no such user.".to_owned())
}

fn sessions_word(n: u64) -> String {
    match n {
        1 => "1 session".to_owned(),
        n => format!("{n} sessions"),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn role(s: &str) -> AppResult<Role> {
    Role::parse(s)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("unknown role {s:?} in the store")))
}

fn admin_user(u: UserRow, active_sessions: i64) -> AppResult<AdminUser> {
    Ok(AdminUser {
        role: role(&u.role)?,
        id: u.id,
        email: u.email,
        name: u.name,
        is_active: u.is_active,
        created_at: rfc3339(u.created_at),
        active_sessions,
    })
}

fn admin_session(r: SessionWithUser, now: i64, current: &str) -> AppResult<AdminSession> {
    let s = r.session;
    let is_current = s.id == current;
    let live = s.is_active && s.expires_at > now && s.absolute_expires_at > now;
    Ok(AdminSession {
        user_role: role(&r.user_role)?,
        user_email: r.user_email,
        user_name: r.user_name,
        client_app: s.client_app.as_deref().and_then(ClientApp::parse),
        is_active: live,
        revoked_reason: s
            .revoked_reason
            .as_deref()
            .and_then(EndReason::parse)
            .or_else(|| (!live && s.is_active).then_some(EndReason::Expired)),
        created_at: rfc3339(s.created_at),
        last_activity: rfc3339(s.last_activity),
        expires_at: rfc3339(s.expires_at.min(s.absolute_expires_at)),
        device_info: s.device_info,
        ip_address: s.ip_address,
        user_id: s.user_id,
        id: s.id,
        is_current,
    })
}

/// A `YYYY-MM-DD` day from today back [`FIGURES_DAYS_BACK`] days.
fn parse_day(text: &str, today: chrono::NaiveDate) -> AppResult<chrono::NaiveDate> {
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| AppError::Validation("Give the day as YYYY-MM-DD.".to_owned()))?;
    if day > today {
        return Err(AppError::Validation(
            "That day has not come yet; pick today or an earlier day.".to_owned(),
        ));
    }
    if (today - day).num_days() > FIGURES_DAYS_BACK {
        return Err(AppError::Validation(format!(
            "Figures go back {FIGURES_DAYS_BACK} days; pick a later day."
        )));
    }
    Ok(day)
}

/// Which day (counted from `from`) and local hour of the day an instant
/// falls in.
fn local_slot(from: chrono::NaiveDate, ms: i64) -> (usize, usize) {
    use chrono::{Local, TimeZone, Timelike};
    let Some(local) = Local.timestamp_millis_opt(ms).earliest() else {
        return (0, 0);
    };
    let day = (local.date_naive() - from).num_days();
    (
        usize::try_from(day).unwrap_or(0),
        usize::try_from(local.hour()).unwrap_or(0).min(23),
    )
}

/// Milliseconds to whole seconds, rounded.
fn seconds(ms: i64) -> i64 {
    (ms + 500).div_euclid(1000)
}
