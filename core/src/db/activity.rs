//! The `security_events` table: the security activity log.

use sqlx::FromRow;

use super::{on_pool, Db, DbError};

/// An entry as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ActivityRow {
    pub id: i64,
    pub user_id: String,
    pub kind: String,
    pub created_at: i64,
    pub session_id: Option<String>,
    pub ip_address: Option<String>,
    pub network: Option<String>,
    pub device: Option<String>,
    pub client_app: Option<String>,
    pub detail: Option<String>,
    pub announced: bool,
    pub acknowledged_at: Option<i64>,
}

/// An entry with its user (the admin's log).
#[derive(Clone, Debug, FromRow)]
pub struct ActivityWithUser {
    #[sqlx(flatten)]
    pub entry: ActivityRow,
    pub user_email: String,
    pub user_name: String,
}

/// An entry to write.
pub struct NewActivity<'a> {
    pub user_id: &'a str,
    pub kind: &'a str,
    pub now: i64,
    pub session_id: Option<&'a str>,
    pub ip_address: Option<&'a str>,
    pub network: Option<&'a str>,
    pub device: Option<&'a str>,
    pub client_app: Option<&'a str>,
    pub detail: Option<&'a str>,
    /// For a new-device entry: the user's other sessions were told live.
    pub announced: bool,
}

const COLUMNS: &str = "e.id, e.user_id, e.kind, e.created_at, e.session_id, e.ip_address, \
     e.network, e.device, e.client_app, e.detail, e.announced, e.acknowledged_at";

/// Writes an entry; returns its id.
pub async fn insert(db: &Db, new: &NewActivity<'_>) -> Result<i64, DbError> {
    let (id,): (i64,) = on_pool!(db, write, |pool| {
        sqlx::query_as(
            "INSERT INTO security_events (user_id, kind, created_at, session_id, ip_address,
                 network, device, client_app, detail, announced)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.kind)
        .bind(new.now)
        .bind(new.session_id)
        .bind(new.ip_address)
        .bind(new.network)
        .bind(new.device)
        .bind(new.client_app)
        .bind(new.detail)
        .bind(new.announced)
        .fetch_one(pool)
        .await?
    });
    Ok(id)
}

/// A user's entries older than `before` (all if `None`), newest first.
pub async fn for_user(
    db: &Db,
    user_id: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<ActivityRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM security_events e
         WHERE e.user_id = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3"
    );
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, ActivityRow>(&sql)
            .bind(user_id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// Which entries the admin's log shows.
pub struct ActivityFilter<'a> {
    pub user_id: Option<&'a str>,
    pub kind: Option<&'a str>,
    /// From this time (inclusive), Unix ms.
    pub from: Option<i64>,
    /// Until this time (exclusive), Unix ms.
    pub to: Option<i64>,
    pub before: Option<i64>,
    pub limit: i64,
}

/// Entries of every user matching `f`, newest first, with their users.
pub async fn search(db: &Db, f: &ActivityFilter<'_>) -> Result<Vec<ActivityWithUser>, DbError> {
    // Fixed fragments only; every value is bound. Absent filters bind a
    // value that matches everything, so the statement keeps one shape.
    let sql = format!(
        "SELECT {COLUMNS}, u.email AS user_email, u.name AS user_name
         FROM security_events e JOIN users u ON u.id = e.user_id
         WHERE ($1 = '' OR e.user_id = $1) AND ($2 = '' OR e.kind = $2)
           AND e.created_at >= $3 AND e.created_at < $4 AND e.id < $5
         ORDER BY e.id DESC LIMIT $6"
    );
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, ActivityWithUser>(&sql)
            .bind(f.user_id.unwrap_or(""))
            .bind(f.kind.unwrap_or(""))
            .bind(f.from.unwrap_or(i64::MIN))
            .bind(f.to.unwrap_or(i64::MAX))
            .bind(f.before.unwrap_or(i64::MAX))
            .bind(f.limit)
            .fetch_all(pool)
            .await?
    }))
}

/// What a user's sign-ins since some moment say about a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorSignIns {
    /// The user signed in at all (other than in the session asking).
    pub any: bool,
    /// The user signed in from this device and network.
    pub this_device: bool,
}

/// The user's sign-ins since `since`, other than in `except_session`: any
/// at all, and any from `device` on `network`. One round trip on the
/// login path.
pub async fn prior_sign_ins(
    db: &Db,
    user_id: &str,
    device: &str,
    network: Option<&str>,
    since: i64,
    except_session: &str,
) -> Result<PriorSignIns, DbError> {
    let (any, this_device): (bool, bool) = on_pool!(db, read, |pool| {
        sqlx::query_as(
            "SELECT
               EXISTS (SELECT 1 FROM security_events
                       WHERE user_id = $1 AND kind = 'signed_in' AND created_at >= $4
                         AND COALESCE(session_id, '') <> $5),
               EXISTS (SELECT 1 FROM security_events
                       WHERE user_id = $1 AND kind = 'signed_in' AND created_at >= $4
                         AND COALESCE(session_id, '') <> $5
                         AND device = $2 AND COALESCE(network, '') = COALESCE($3, ''))",
        )
        .bind(user_id)
        .bind(device)
        .bind(network)
        .bind(since)
        .bind(except_session)
        .fetch_one(pool)
        .await?
    });
    Ok(PriorSignIns { any, this_device })
}

/// New-device entries of a user that nobody was told of at once and
/// nobody answered, since `since`, newest first, with whether their session
/// is still active. Left out: the asking session's own, and those from the
/// asking session's own device and network (evidently the same person).
pub async fn waiting_alerts(
    db: &Db,
    user_id: &str,
    since: i64,
    now: i64,
    asking: &AskingSession<'_>,
) -> Result<Vec<(ActivityRow, bool)>, DbError> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        entry: ActivityRow,
        active: bool,
    }
    let sql = format!(
        "SELECT {COLUMNS},
                COALESCE(s.is_active AND s.expires_at > $3 AND s.absolute_expires_at > $3, FALSE) AS active
         FROM security_events e LEFT JOIN user_sessions s ON s.id = e.session_id
         WHERE e.user_id = $1 AND e.kind = 'new_device' AND e.acknowledged_at IS NULL
           AND NOT e.announced AND e.created_at >= $2
           AND COALESCE(e.session_id, '') <> $4
           AND NOT (COALESCE(e.device, '') = $5 AND COALESCE(e.network, '') = $6)
         ORDER BY e.id DESC LIMIT 20"
    );
    let rows: Vec<Row> = on_pool!(db, read, |pool| {
        sqlx::query_as::<_, Row>(&sql)
            .bind(user_id)
            .bind(since)
            .bind(now)
            .bind(asking.session_id)
            .bind(asking.device)
            .bind(asking.network.unwrap_or(""))
            .fetch_all(pool)
            .await?
    });
    Ok(rows.into_iter().map(|r| (r.entry, r.active)).collect())
}

/// The session asking for its waiting alerts.
pub struct AskingSession<'a> {
    pub session_id: &'a str,
    pub device: &'a str,
    pub network: Option<&'a str>,
}

/// How many active sessions the user has besides `except`.
pub async fn other_active_sessions(
    db: &Db,
    user_id: &str,
    except: &str,
    now: i64,
) -> Result<i64, DbError> {
    let (n,): (i64,) = on_pool!(db, read, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) FROM user_sessions
             WHERE user_id = $1 AND id <> $2 AND is_active
               AND expires_at > $3 AND absolute_expires_at > $3",
        )
        .bind(user_id)
        .bind(except)
        .bind(now)
        .fetch_one(pool)
        .await?
    });
    Ok(n)
}

/// Marks a user's new-device entry answered; false if it is not theirs.
pub async fn acknowledge(db: &Db, user_id: &str, id: i64, now: i64) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE security_events SET acknowledged_at = COALESCE(acknowledged_at, $3)
             WHERE id = $2 AND user_id = $1 AND kind = 'new_device'",
        )
        .bind(user_id)
        .bind(id)
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(rows == 1)
}

/// Marks the new-device entries of a session answered (it was signed out).
pub async fn acknowledge_session(
    db: &Db,
    user_id: &str,
    session_id: &str,
    now: i64,
) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE security_events SET acknowledged_at = $3
             WHERE user_id = $1 AND session_id = $2 AND kind = 'new_device'
               AND acknowledged_at IS NULL",
        )
        .bind(user_id)
        .bind(session_id)
        .bind(now)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Deletes entries older than `cutoff`; returns how many.
pub async fn purge(db: &Db, cutoff: i64) -> Result<u64, DbError> {
    Ok(on_pool!(db, write, |pool| {
        sqlx::query("DELETE FROM security_events WHERE created_at < $1")
            .bind(cutoff)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}
