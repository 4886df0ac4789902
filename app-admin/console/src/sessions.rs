//! The sessions console at `/admin/sessions`: every user's sessions,
//! filtered by user (searched by name or e-mail), app and state; revoke
//! one, or sign a user out everywhere. The admin's own session is marked
//! "This device", and ending it asks first. `?user_id=` (from the users
//! page) preselects a user.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::api::ClientApp;
use shared::bar::{AdminSession, AdminSessionsResponse};
use ui::components::BusyButton;
use ui::format::local_time;
use ui::load::{error_line, notice, staged, Actions, Loader};
use ui::{bar_api, use_auth};

use crate::column_heads;
use crate::user_search::{ChosenUser, UserSearch};

/// The filters and the sessions they find.
#[component]
pub fn SessionsPage() -> impl IntoView {
    let auth = use_auth();
    let query = use_query_map();
    // A user id from the link, shown as such until a row names the person.
    let preset = query.with_untracked(|q| q.get("user_id").filter(|id| !id.is_empty()));
    let chosen = RwSignal::new(preset.map(|id| ChosenUser {
        label: id.clone(),
        id,
    }));
    let app = RwSignal::new(String::new());
    let active = RwSignal::new("true".to_owned());
    // The user's id (not the label a row names them by), the app, the state.
    let filters = Memo::new(move |_| {
        let user = chosen.with(|c| c.as_ref().map(|c| c.id.clone()).unwrap_or_default());
        (user, app.get(), active.get())
    });
    let sessions = Loader::<AdminSessionsResponse>::new();
    let load = move || {
        let (user, app, active) = filters.get_untracked();
        sessions.load(auth, move || async move {
            bar_api::all_sessions(Some(&user), Some(&app), &active).await
        });
    };
    // Every change of a filter loads again.
    Effect::new(move |_| {
        filters.track();
        load();
    });
    sessions.reload_when_online(auth, load);
    Effect::new(move |_| {
        let picked = chosen.get_untracked().filter(|c| c.label == c.id);
        let named = sessions.state.with(|s| {
            let (picked, found) = (picked?, s.ready()?);
            let row = found.sessions.iter().find(|r| r.user_id == picked.id)?;
            Some(ChosenUser::new(picked.id, &row.user_name, &row.user_email))
        });
        if named.is_some() {
            chosen.set(named);
        }
    });
    // The console's actions, one at a time; each reloads the list.
    let actions = Actions::new(auth);
    let reload = Callback::new(move |()| load());

    let table = move || {
        let Some(found) = sessions.state.with(|s| s.ready().cloned()) else {
            return ().into_any();
        };
        let count = match found.total {
            1 => "1 session".to_owned(),
            n => format!("{n} sessions"),
        };
        view! {
            <p data-testid="session-count">{count}</p>
            <table class="data-table">
                {column_heads!["User", "App", "Device", "IP address", "Last active", "Status", "Actions"]}
                <tbody>
                    {found
                        .sessions
                        .into_iter()
                        .map(|session| session_row(actions, reload, session))
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    let apps = ClientApp::ALL.map(|a| (a.as_str(), a.as_str()));
    let apps = [[("", "All apps")].as_slice(), &apps].concat();

    view! {
        <main class="page sessions-page">
            <h1>"Sessions"</h1>
            <p class="lead">"Where everyone is signed in, and where they were."</p>
            <form class="filters" on:submit=move |ev| ev.prevent_default()>
                <UserSearch chosen field="filter-user" />
                {filter("filter-app", "App", &apps, app)}
                {filter("filter-active", "State", &[("true", "Active"), ("false", "Ended"), ("all", "All")], active)}
                <BusyButton
                    testid="refresh"
                    label="Refresh"
                    busy_label="Refreshing…"
                    busy=sessions.pending
                    on_click=reload
                />
            </form>
            {move || notice(actions.notice.get())}
            {move || error_line(actions.error.get())}
            {staged(sessions.stage(), "Loading sessions…", load, move || table)}
        </main>
    }
}

/// A labelled filter: its choices, `(value, label)`, the one `chosen` holds
/// selected.
fn filter(
    id: &'static str,
    label: &'static str,
    list: &[(&'static str, &'static str)],
    chosen: RwSignal<String>,
) -> impl IntoView {
    let options = list.iter().map(|&(value, label)| {
        view! { <option value=value prop:selected=move || chosen.with(|c| c == value)>{label}</option> }
    });
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id data-testid=id on:change=move |ev| chosen.set(event_target_value(&ev))>
                {options.collect_view()}
            </select>
        </div>
    }
}

/// What an action on a session's row ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// That session ("Revoke").
    ThisSession,
    /// Every session of its user ("Sign out this user everywhere").
    Everywhere,
}

/// One session with its actions, each of which `reload`s the list on
/// success, whose rows then say what changed. On the admin's own session
/// ("This device") both actions would sign the admin out, so each asks
/// first.
fn session_row(actions: Actions, reload: Callback<()>, session: AdminSession) -> impl IntoView {
    let current = session.is_current;
    let confirming = RwSignal::new(None::<Ending>);
    let app = session.client_app.map_or("API", ClientApp::as_str);
    let ip = session.ip_address.unwrap_or_else(|| "unknown".to_owned());
    let status = match (session.is_active, &session.revoked_reason) {
        (true, _) => "Active".to_owned(),
        (false, Some(reason)) => format!("Ended: {}", reason.label()),
        (false, None) => "Ended".to_owned(),
    };
    let who = format!("{} · {}", session.user_email, session.user_role.as_str());
    let ids = StoredValue::new((session.id.clone(), session.user_id.clone()));
    // Names the action in flight: which ending, of which session.
    let key = move |ending: Ending| ids.with_value(|(id, _)| format!("{ending:?}:{id}"));
    let end = move |ending: Ending| {
        let (id, user_id) = ids.get_value();
        actions.run(key(ending), async move {
            let said = match ending {
                Ending::ThisSession => bar_api::revoke_any_session(&id).await?.message,
                Ending::Everywhere => bar_api::sign_out_user(&user_id).await?.message,
            };
            reload.try_run(());
            Ok(Some(said))
        });
    };
    // Runs at once, or (on the admin's own session) asks first.
    let ask_or_end = move |ending: Ending| {
        if current {
            confirming.set(Some(ending));
        } else {
            end(ending);
        }
    };
    let buttons = move || {
        view! {
            {session.is_active.then(move || view! {
                <BusyButton
                    class="button secondary danger-text"
                    testid="revoke"
                    label="Revoke"
                    busy_label="Revoking…"
                    busy=move || actions.running(&key(Ending::ThisSession))
                    disabled=move || actions.locked()
                    on_click=Callback::new(move |()| ask_or_end(Ending::ThisSession))
                />
            })}
            <BusyButton
                testid="sign-out-user"
                label="Sign out this user everywhere"
                busy_label="Signing out…"
                busy=move || actions.running(&key(Ending::Everywhere))
                disabled=move || actions.locked()
                on_click=Callback::new(move |()| ask_or_end(Ending::Everywhere))
            />
        }
    };
    let confirm = move |ending: Ending| {
        let question = match ending {
            Ending::ThisSession => "This is your own session: you will be signed out here.",
            Ending::Everywhere => "This is you: you will be signed out here and everywhere else.",
        };
        view! {
            <span class="confirm-inline" role="group" aria-label="Confirm signing yourself out" data-testid="confirm-own-session">
                {question}
                " "
                <button
                    type="button"
                    class="button danger"
                    data-testid="confirm-end-own"
                    disabled=move || actions.locked()
                    on:click=move |_| {
                        confirming.set(None);
                        end(ending);
                    }
                >
                    "Yes, sign me out"
                </button>
                <button
                    type="button"
                    class="button secondary"
                    data-testid="cancel-end-own"
                    on:click=move |_| confirming.set(None)
                >
                    "No"
                </button>
            </span>
        }
    };
    view! {
        <tr
            data-testid="admin-session"
            data-session-id=session.id.clone()
            data-user-id=session.user_id.clone()
            data-active=session.is_active.to_string()
            data-current=current.to_string()
            class:inactive=!session.is_active
            class:current=current
        >
            <td>
                <strong>{session.user_name.clone()}</strong>
                {current.then(|| view! { " " <span class="badge" data-testid="this-device">"This device"</span> })}
                <br />
                <span class="muted">{who}</span>
            </td>
            <td>{app}</td>
            <td>{session.device_info.clone()}</td>
            <td>{ip}</td>
            <td>{local_time(&session.last_activity)}</td>
            <td data-testid="session-status">{status}</td>
            <td class="actions-cell">
                <div class="row-actions">
                    {move || match confirming.get() {
                        None => buttons().into_any(),
                        Some(ending) => confirm(ending).into_any(),
                    }}
                </div>
            </td>
        </tr>
    }
}
