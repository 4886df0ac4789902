//! Users at `/admin/users`: search, create staff accounts, and per user
//! deactivate or reactivate, reset the password, or sign out everywhere.

use std::time::Duration;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use shared::api::{check_email, check_new_password, normalize_name, Role};
use shared::bar::{AdminUser, AdminUserAction, NewStaffRequest};
use shared::session::SessionError;
use ui::components::{checked, BusyButton, Confirm, Field};
use ui::format::encode_component;
use ui::load::{error_line, notice, staged, Actions, Loader};
use ui::{bar_api, use_auth};

use crate::column_heads;

/// How long typing must pause before the list is searched.
const SEARCH_DELAY: Duration = Duration::from_millis(300);

/// The search box, the list of users and the form for a new staff account.
#[component]
pub fn UsersPage() -> impl IntoView {
    let auth = use_auth();
    let users = Loader::<Vec<AdminUser>>::new();
    let query = RwSignal::new(String::new());
    let load = move || {
        let q = query.get_untracked();
        users.load(auth, move || async move {
            bar_api::users(&q).await.map(|r| r.users)
        });
    };
    Effect::new(move |_| load());
    users.reload_when_online(auth, load);

    // Typing restarts the timer; the search runs once typing pauses.
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let stop = move || timer.try_get_value().flatten().map(|t| t.clear());
    let search = move |text: String| {
        query.set(text);
        stop();
        timer.set_value(set_timeout_with_handle(load, SEARCH_DELAY).ok());
    };
    on_cleanup(move || _ = stop());

    let ids = move || {
        users.state.with(|s| {
            s.ready()
                .map(|list| list.iter().map(|u| u.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };

    view! {
        <main class="page users-page">
            <h1>"Users"</h1>
            <div class="users-layout">
                <section class="users-list" aria-labelledby="users-title">
                    <h2 id="users-title" class="visually-hidden">"All users"</h2>
                    <div class="toolbar">
                        <label for="user-search">"Search"</label>
                        <input
                            id="user-search"
                            type="search"
                            data-testid="user-search"
                            placeholder="Name or e-mail"
                            autocomplete="off"
                            prop:value=move || query.get()
                            on:input=move |ev| search(event_target_value(&ev))
                        />
                        <Show when=move || users.pending.get()>
                            <span class="loading" aria-busy="true">"Searching…"</span>
                        </Show>
                    </div>
                    {staged(users.stage(), "Loading users…", load, move || view! {
                        <Show when=move || ids().is_empty()>
                            <p class="empty">"No users match."</p>
                        </Show>
                        <table class="data-table">
                            {column_heads!["Name", "E-mail", "Role", "Active", "Sessions", "Actions"]}
                            <tbody>
                                <For
                                    each=ids
                                    key=|id| id.clone()
                                    children=move |id| view! { <UserRow id users /> }
                                />
                            </tbody>
                        </table>
                    })}
                </section>
                <NewStaffForm on_created=Callback::new(move |()| load()) />
            </div>
        </main>
    }
}

/// One user with their actions; each answer replaces the row's data.
#[component]
fn UserRow(id: String, users: Loader<Vec<AdminUser>>) -> impl IntoView {
    let auth = use_auth();
    let id = StoredValue::new(id);
    let user = Memo::new(move |_| {
        users.state.with(|s| {
            s.ready()
                .and_then(|list| id.with_value(|id| list.iter().find(|u| u.id == *id).cloned()))
        })
    });
    let field = move |f: fn(&AdminUser) -> String| {
        move || user.with(|u| u.as_ref().map(f).unwrap_or_default())
    };
    let active = move || user.with(|u| u.as_ref().is_some_and(|u| u.is_active));
    let actions = Actions::new(auth);
    let error = actions.error;
    let confirming = RwSignal::new(false);
    // The new password as typed, while the reset form is open.
    let new_password = RwSignal::new(None::<String>);
    let resetting = move || new_password.with(Option::is_some);

    let reset = move |ev: SubmitEvent| {
        ev.prevent_default();
        let password = new_password.get_untracked().unwrap_or_default();
        if checked(check_new_password(&password).map_err(str::to_owned), error).is_none() {
            return;
        }
        let call = async move |id: &str| {
            let answer = bar_api::reset_password(id, &password).await?;
            new_password.set(None);
            Ok(answer)
        };
        act(actions, users, "reset", id.get_value(), call);
    };
    let running = move |name: &'static str| move || actions.running(name);
    let locked = move || actions.locked();
    let sessions_link =
        move || id.with_value(|id| format!("/admin/sessions?user_id={}", encode_component(id)));
    let password_id = id.with_value(|id| format!("reset-{id}"));

    view! {
        <tr
            data-testid="user-row"
            data-email=field(|u| u.email.clone())
            data-active=move || active().to_string()
            class:inactive=move || !active()
        >
            <td>{field(|u| u.name.clone())}</td>
            <td>{field(|u| u.email.clone())}</td>
            <td data-testid="user-role">{field(|u| u.role.as_str().to_owned())}</td>
            <td data-testid="user-active">{move || if active() { "Yes" } else { "No" }}</td>
            <td data-testid="user-sessions">
                <A href=sessions_link>{field(|u| u.active_sessions.to_string())}</A>
            </td>
            <td class="actions-cell">
                <div class="row-actions">
                    <Show
                        when=active
                        fallback=move || {
                            view! {
                                <BusyButton
                                    testid="reactivate"
                                    label="Reactivate"
                                    busy_label="Reactivating…"
                                    busy=running("reactivate")
                                    disabled=locked
                                    on_click=Callback::new(move |()| act(actions, users, "reactivate", id.get_value(), bar_api::reactivate_user))
                                />
                            }
                        }
                    >
                        <Confirm
                            testid="deactivate".to_owned()
                            label="Deactivate"
                            question=|| "Ends all their sessions.".to_owned()
                            yes="Yes, deactivate"
                            busy_label="Deactivating…"
                            group_label="Confirm deactivation".to_owned()
                            confirming
                            locked=locked
                            running=running("deactivate")
                            on_confirm=Callback::new(move |()| {
                                act(actions, users, "deactivate", id.get_value(), bar_api::deactivate_user);
                                confirming.set(false);
                            })
                        />
                    </Show>
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="reset-password"
                        disabled=move || locked() || resetting()
                        on:click=move |_| {
                            error.set(None);
                            new_password.set(Some(String::new()));
                        }
                    >
                        "Reset password"
                    </button>
                    <BusyButton
                        testid="sign-out-user"
                        label="Sign out everywhere"
                        busy_label="Signing out…"
                        busy=running("sign-out")
                        disabled=locked
                        on_click=Callback::new(move |()| act(actions, users, "sign-out", id.get_value(), bar_api::sign_out_user))
                    />
                </div>
                <Show when=resetting>
                    <form class="inline-form reset-form" on:submit=reset novalidate>
                        <label for=password_id.clone()>"New password (at least 8 characters)"</label>
                        <input
                            id=password_id.clone()
                            type="password"
                            data-testid="new-password"
                            autocomplete="new-password"
                            prop:value=move || new_password.get().unwrap_or_default()
                            on:input=move |ev| new_password.set(Some(event_target_value(&ev)))
                        />
                        <BusyButton
                            submit=true
                            class="button primary"
                            testid="save-password"
                            label="Set password"
                            busy_label="Saving…"
                            busy=running("reset")
                            disabled=locked
                        />
                        <button
                            type="button"
                            class="button secondary"
                            disabled=locked
                            on:click=move |_| new_password.set(None)
                        >
                            "Cancel"
                        </button>
                    </form>
                </Show>
                {move || actions.notice.get().map(|text| view! {
                    <p class="success" role="status" data-testid="user-message">{text}</p>
                })}
                {move || error_line(error.get())}
            </td>
        </tr>
    }
}

/// Runs a row's action; its answer (the user as they are now) replaces the
/// row's data, and its sentence says what happened.
fn act(
    actions: Actions,
    users: Loader<Vec<AdminUser>>,
    name: &'static str,
    id: String,
    call: impl AsyncFnOnce(&str) -> Result<AdminUserAction, SessionError> + 'static,
) {
    actions.run(name, async move {
        let AdminUserAction { user, message, .. } = call(&id).await?;
        users.patch(|list| {
            if let Some(row) = list.iter_mut().find(|u| u.id == user.id) {
                *row = user;
            }
        });
        Ok(Some(message))
    });
}

/// E-mail, name, role and a first password for a new account.
#[component]
fn NewStaffForm(on_created: Callback<()>) -> impl IntoView {
    let auth = use_auth();
    let email = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Bartender);
    let password = RwSignal::new(String::new());
    let actions = Actions::new(auth);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if actions.locked() {
            return;
        }
        actions.notice.set(None);
        let request = (|| {
            let email = check_email(&email.get_untracked())?.to_owned();
            let name = normalize_name(&name.get_untracked())?;
            let password = password.get_untracked();
            check_new_password(&password)?;
            Ok::<_, &'static str>(NewStaffRequest {
                email,
                name,
                role: role.get_untracked(),
                password,
            })
        })();
        let Some(request) = checked(request.map_err(str::to_owned), actions.error) else {
            return;
        };
        actions.run("create", async move {
            let created = bar_api::create_staff(&request).await?;
            for field in [email, name, password] {
                field.set(String::new());
            }
            on_created.try_run(());
            Ok(Some(format!(
                "Created {} ({}) as {}.",
                created.name,
                created.email,
                created.role.as_str()
            )))
        });
    };

    view! {
        <section class="card new-staff" aria-labelledby="new-staff-title">
            <h2 id="new-staff-title">"New account"</h2>
            <form class="stack" on:submit=submit novalidate data-testid="new-staff-form">
                <Field id="staff-email" label="E-mail" kind="email" autocomplete="off" value=email />
                <Field id="staff-name" label="Name" autocomplete="off" value=name />
                <label for="staff-role">"Role"</label>
                <select
                    id="staff-role"
                    data-testid="staff-role"
                    on:change=move |ev| {
                        if let Some(picked) = Role::parse(&event_target_value(&ev)) {
                            role.set(picked);
                        }
                    }
                >
                    {[Role::Bartender, Role::Admin, Role::Customer]
                        .into_iter()
                        .map(|option| view! {
                            <option value=option.as_str() prop:selected=move || role.get() == option>
                                {option.as_str()}
                            </option>
                        })
                        .collect_view()}
                </select>
                <Field
                    id="staff-password"
                    label="Password (at least 8 characters)"
                    kind="password"
                    autocomplete="new-password"
                    value=password
                />
                {move || error_line(actions.error.get())}
                {move || notice(actions.notice.get())}
                <BusyButton
                    submit=true
                    class="button primary"
                    testid="create-staff"
                    label="Create account"
                    busy_label="Creating…"
                    busy=move || actions.locked()
                />
            </form>
            <p class="aside">"Created accounts can sign in at once; ask them to change the password."</p>
        </section>
    }
}
