//! The admin console: users, every session, today's figures, and that
//! deactivation and password resets end sessions at once.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

#[tokio::test]
async fn only_admins_reach_the_console() {
    let app = spawn_app().await;
    let target = app.actor(Role::Customer).await;
    for role in [Role::Customer, Role::Bartender] {
        let actor = app.actor(role).await;
        for (method, path) in [
            (Method::GET, "/api/admin/users".to_owned()),
            (Method::POST, "/api/admin/users".to_owned()),
            (Method::GET, "/api/admin/sessions".to_owned()),
            (Method::GET, "/api/admin/stats".to_owned()),
            (Method::GET, "/api/admin/figures".to_owned()),
            (
                Method::POST,
                format!("/api/admin/users/{}/deactivate", target.id),
            ),
            (
                Method::POST,
                format!("/api/admin/users/{}/logout-all", target.id),
            ),
            (Method::DELETE, "/api/admin/sessions/x".to_owned()),
        ] {
            let body = json!({"email": "x@taproom.test", "name": "X", "role": "admin", "password": "long enough pass"});
            let (status, err) = app
                .send_auth(method.clone(), &path, &actor.token, Some(&body))
                .await;
            assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
        }
    }
    assert_eq!(
        app.me_status(&target.token).await,
        StatusCode::OK,
        "nothing happened to the target"
    );
}

#[tokio::test]
async fn admins_create_staff_who_can_sign_in() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let body = json!({"email": "New.Bartender@Taproom.test", "name": "Nia", "role": "bartender", "password": "pour-it-right"});
    let (status, user) = app.post_auth("/api/admin/users", &admin.token, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    assert_eq!(user["email"], "new.bartender@taproom.test");
    assert_eq!(user["role"], "bartender");
    assert_eq!(user["is_active"], true);
    let (status, tokens) = app
        .post_login("new.bartender@taproom.test", "pour-it-right")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens["user"]["role"], "bartender");
    let (status, err) = app.post_auth("/api/admin/users", &admin.token, &body).await;
    assert_error(status, &err, StatusCode::CONFLICT, "email_taken");
    for bad in [
        json!({"email": "weak@taproom.test", "name": "W", "role": "admin", "password": "short"}),
        json!({"email": "not-an-email", "name": "W", "role": "admin", "password": "long enough pass"}),
        json!({"email": "r@taproom.test", "name": "W", "role": "owner", "password": "long enough pass"}),
        json!({"email": "n@taproom.test", "name": "", "role": "admin", "password": "long enough pass"}),
    ] {
        let (status, err) = app.post_auth("/api/admin/users", &admin.token, &bad).await;
        assert_error(
            status,
            &err,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (_, list) = app
        .get_auth("/api/admin/users?q=BARTENDER", &admin.token)
        .await;
    let emails: Vec<&str> = list["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["new.bartender@taproom.test"]);
    let (_, list) = app.get_auth("/api/admin/users?q=%25", &admin.token).await;
    assert_eq!(list["total"], 0, "% is a character, not a wildcard");
    let (status, err) = app
        .get_auth("/api/admin/users?sort=name", &admin.token)
        .await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn deactivating_a_user_ends_every_session_and_stream_at_once() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let user = app.create_user(Role::Customer).await;
    let phone = app.login(&user).await;
    let laptop = app.login(&user).await;
    let mut stream = open_stream(&app, &phone.access_token, None).await;
    stream.until("ready").await;
    let (status, action) = app
        .post_auth(
            &format!("/api/admin/users/{}/deactivate", phone.user.id),
            &admin.token,
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{action}");
    assert_eq!(action["revoked"], 2);
    assert_eq!(action["user"]["is_active"], false);
    assert_eq!(action["user"]["active_sessions"], 0);
    assert_eq!(
        app.me_status(&phone.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.me_status(&laptop.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app.post_refresh(&laptop.refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, err) = app.post_login(&user.email, &user.password).await;
    assert_error(
        status,
        &err,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    stream.until("session_ended").await;
    assert!(stream.ends_within(Duration::from_secs(5)).await);
    // Back on: they may sign in again.
    let (status, _) = app
        .post_auth(
            &format!("/api/admin/users/{}/reactivate", phone.user.id),
            &admin.token,
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.post_login(&user.email, &user.password).await;
    assert_eq!(status, StatusCode::OK);
    // An admin cannot lock themselves out.
    let (status, err) = app
        .post_auth(
            &format!("/api/admin/users/{}/deactivate", admin.id),
            &admin.token,
            &json!({}),
        )
        .await;
    assert_error(status, &err, StatusCode::CONFLICT, "cannot_deactivate_self");
    let (status, err) = app
        .post_auth(
            "/api/admin/users/no-such-user/deactivate",
            &admin.token,
            &json!({}),
        )
        .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn resetting_a_password_ends_the_users_sessions() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let user = app.create_user(Role::Bartender).await;
    let tokens = app.login(&user).await;
    let path = format!("/api/admin/users/{}/password", tokens.user.id);
    let (status, err) = app
        .post_auth(&path, &admin.token, &json!({"password": "short"}))
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(
        app.me_status(&tokens.access_token).await,
        StatusCode::OK,
        "a refused reset changes nothing"
    );
    let (status, action) = app
        .post_auth(
            &path,
            &admin.token,
            &json!({"password": "a brand new secret"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{action}");
    assert_eq!(action["revoked"], 1);
    assert_eq!(
        app.me_status(&tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    let (status, _) = app.post_login(&user.email, &user.password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.post_login(&user.email, "a brand new secret").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_sessions_console_filters_and_revokes() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let user = app.create_user(Role::Customer).await;
    let (status, body) = app
        .post(
            "/api/auth/login",
            &json!({"email": user.email, "password": user.password, "client_app": "customer"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let phone: shared::api::TokenResponse = serde_json::from_value(body).unwrap();
    let tablet = app.login(&user).await;
    let user_id = phone.user.id.clone();
    let (status, list) = app
        .get_auth(
            &format!("/api/admin/sessions?user_id={user_id}"),
            &admin.token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    assert_eq!(list["total"], 2);
    assert_eq!(list["sessions"][0]["user_email"], user.email.as_str());
    assert!(
        list["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["is_current"] == false),
        "none of the user's sessions is the admin's own: {list}"
    );
    // The admin's own session, and only it, is marked as the one asking.
    let (_, everyone) = app.get_auth("/api/admin/sessions", &admin.token).await;
    let current: Vec<_> = everyone["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_current"] == true)
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(current, [sid_of(&admin.token)], "{everyone}");
    let (_, by_app) = app
        .get_auth(
            &format!("/api/admin/sessions?user_id={user_id}&app=customer"),
            &admin.token,
        )
        .await;
    assert_eq!(by_app["total"], 1);
    assert_eq!(by_app["sessions"][0]["id"], sid_of(&phone.access_token));
    let (status, done) = app
        .delete_auth(
            &format!("/api/admin/sessions/{}", sid_of(&phone.access_token)),
            &admin.token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        app.me_status(&phone.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.me_status(&tablet.access_token).await,
        StatusCode::OK,
        "only that one"
    );
    let (_, ended) = app
        .get_auth(
            &format!("/api/admin/sessions?user_id={user_id}&active=false"),
            &admin.token,
        )
        .await;
    assert_eq!(ended["total"], 1);
    assert_eq!(ended["sessions"][0]["revoked_reason"], "revoked_by_admin");
    let (_, all) = app
        .get_auth(
            &format!("/api/admin/sessions?user_id={user_id}&active=all"),
            &admin.token,
        )
        .await;
    assert_eq!(all["total"], 2);
    let (status, action) = app
        .post_auth(
            &format!("/api/admin/users/{user_id}/logout-all"),
            &admin.token,
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(action["revoked"], 1);
    assert_eq!(
        app.me_status(&tablet.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    for bad in ["app=phone", "active=maybe", "colour=red"] {
        let (status, err) = app
            .get_auth(&format!("/api/admin/sessions?{bad}"), &admin.token)
            .await;
        assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_query");
    }
    let (status, err) = app
        .delete_auth("/api/admin/sessions/no-such-session", &admin.token)
        .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn todays_figures_count_orders_revenue_and_time_to_ready() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let (_, empty) = app.get_auth("/api/admin/stats", &admin.token).await;
    assert_eq!(empty["orders"], 0);
    assert!(empty["avg_seconds_to_ready"].is_null());
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap();
    let cancelled = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    app.order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    app.set_status(&bartender.token, id, "preparing", 1, None)
        .await;
    app.clock.advance(Duration::from_secs(90));
    app.set_status(&bartender.token, id, "ready", 2, None).await;
    app.set_status(
        &customer.token,
        cancelled["id"].as_str().unwrap(),
        "cancelled",
        1,
        Some("wrong table"),
    )
    .await;
    let (status, stats) = app.get_auth("/api/admin/stats", &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    assert_eq!(stats["orders"], 3);
    assert_eq!(stats["cancelled"], 1);
    assert_eq!(
        stats["revenue_cents"],
        2 * 2200,
        "cancelled orders earn nothing"
    );
    assert_eq!(stats["avg_seconds_to_ready"], 90.0);
    assert_eq!(stats["open_orders"], 2, "one ready, one received");
    assert!(stats["active_sessions"]["customer"].as_i64().is_some());
}
