//! What an app remembers on this device beyond the session (`localStorage`):
//! the guest's cart, table and allergen filter, the bartender's station and
//! sound. The server, which renders pages but never reads a choice, has
//! none: there these are inert, so the same code compiles.

#[cfg(target_arch = "wasm32")]
use shared::session::browser::LocalStorage;

/// The text kept under `key`, if any.
pub fn load(key: &str) -> Option<String> {
    #[cfg(target_arch = "wasm32")]
    return LocalStorage::get_raw(key);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _unused = key;
        None
    }
}

/// Keeps `value` under `key`, or removes the key when there is nothing to
/// keep (`None`): a browser that never chose anything holds only the
/// session's keys. A browser that refuses (private mode, full storage) only
/// forgets the choice on reload, so a warning in the console is all it is
/// worth.
pub fn keep(key: &str, value: Option<&str>) {
    #[cfg(target_arch = "wasm32")]
    match value.map(|value| LocalStorage::set_raw(key, value)) {
        None => LocalStorage::remove(key),
        Some(Err(e)) => leptos::logging::warn!("could not save {key} in localStorage: {e}"),
        Some(Ok(())) => {}
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _unused = (key, value);
}

/// [`keep`] for `value` as JSON; `what` names it if it cannot be written.
pub fn keep_json<T: serde::Serialize>(key: &str, what: &str, value: Option<&T>) {
    match value.map(serde_json::to_string).transpose() {
        Ok(json) => keep(key, json.as_deref()),
        Err(e) => leptos::logging::warn!("could not save {what}: {e}"),
    }
}
