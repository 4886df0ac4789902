//! Picks one user by typing part of a name or e-mail address: the server
//! searches (so it works with thousands of customers), the first matches
//! are offered, and the chosen person shows with a button to clear it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use ui::{bar_api, use_auth};

/// Matches offered at once.
const OFFERED: usize = 8;

/// A person picked in the search: the id for the query, the label to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChosenUser {
    pub id: String,
    pub label: String,
}

impl ChosenUser {
    /// "Name <e-mail>".
    pub(crate) fn new(id: String, name: &str, email: &str) -> Self {
        Self {
            id,
            label: format!("{name} <{email}>"),
        }
    }
}

/// The search field, or the chosen person. `field` is the input's id and
/// test id (the chosen person's is `{field}-chosen`).
#[component]
pub(crate) fn UserSearch(
    chosen: RwSignal<Option<ChosenUser>>,
    field: &'static str,
) -> impl IntoView {
    let auth = use_auth();
    // The matches for what is typed; none while it is too short to search.
    let found = RwSignal::new(None::<Vec<ChosenUser>>);
    let searching = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    // Numbers the searches, so a slow answer to an older text is dropped.
    let latest = StoredValue::new(0u64);
    let search = move |query: String| {
        let number = latest.try_update_value(|n| {
            *n += 1;
            *n
        });
        failed.set(None);
        if query.trim().chars().count() < 2 {
            found.set(None);
            searching.set(false);
            return;
        }
        searching.set(true);
        spawn_local(async move {
            let outcome = auth.watch(bar_api::users(query.trim()).await);
            if latest.try_get_value() != number {
                return;
            }
            searching.set(false);
            match outcome {
                Ok(response) => {
                    let users = response.users.into_iter().take(OFFERED);
                    let users = users.map(|u| ChosenUser::new(u.id, &u.name, &u.email));
                    found.set(Some(users.collect()));
                }
                Err(e) if e.ends_session() => {}
                Err(e) => failed.set(Some(e.to_string())),
            }
        });
    };
    let nobody = move || !searching.get() && found.with(|f| f.as_ref().is_some_and(Vec::is_empty));
    view! {
        <div class="field user-search">
            <label for=field>"User"</label>
            {move || match chosen.get() {
                Some(person) => view! {
                    <p class="chosen-user" data-testid=format!("{field}-chosen")>
                        {person.label}
                        " "
                        <button
                            type="button"
                            class="button secondary"
                            aria-label="Any user"
                            title="Any user"
                            on:click=move |_| chosen.set(None)
                        >
                            "×"
                        </button>
                    </p>
                }
                .into_any(),
                None => view! {
                    <input
                        id=field
                        type="search"
                        data-testid=field
                        placeholder="Name or e-mail"
                        autocomplete="off"
                        on:input=move |ev| search(event_target_value(&ev))
                    />
                    {move || searching.get().then(|| view! { <span class="muted">" Searching…"</span> })}
                    {move || nobody().then(|| view! { <span class="muted">" Nobody matches."</span> })}
                    {move || failed.get().map(|e| view! { <span class="error-text" role="alert">{format!(" {e}")}</span> })}
                    <ul class="search-results">
                        {move || found
                            .get()
                            .into_iter()
                            .flatten()
                            .map(|person| {
                                let label = person.label.clone();
                                view! {
                                    <li>
                                        <button type="button" class="link-button" on:click=move |_| {
                                            found.set(None);
                                            chosen.set(Some(person.clone()));
                                        }>{label}</button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any(),
            }}
        </div>
    }
}
