//! The few browser services the customer app uses beyond the session and
//! `ui::storage`: a random idempotency key and the phone's vibration. On
//! the server (which renders only the shell and never runs these) they are
//! inert stand-ins, so the same code compiles.

/// A fresh key for one order submission. It only has to be unique, not
/// secret (the server scopes keys to the signed-in customer), and
/// `crypto.randomUUID` exists only on HTTPS pages, which a bar's local
/// network may not serve: Math.random and the clock are enough.
pub(crate) fn random_key() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let part = || (js_sys::Math::random() * 4_294_967_296.0) as u32;
        format!(
            "{:08x}{:08x}{:08x}-{:x}",
            part(),
            part(),
            part(),
            js_sys::Date::now() as u64
        )
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{nanos:x}")
    }
}

/// Buzzes the phone, where the browser can (not iOS Safari, not desktops).
pub(crate) fn vibrate() {
    #[cfg(target_arch = "wasm32")]
    if let Some(window) = web_sys::window() {
        // A pattern the customer notices in a pocket: buzz, pause, buzz.
        let pattern = js_sys::Array::of3(&300.into(), &150.into(), &300.into());
        // Returns false when the browser declines; nothing else to do then.
        let _ = window.navigator().vibrate_with_pattern(&pattern);
    }
}
