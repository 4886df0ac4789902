//! The bartender app's wasm bundle: exports the entry point its page calls.

/// Entry point of the wasm bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    app_bartender::hydrate();
}
