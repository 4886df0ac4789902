//! Small text helpers for pages: dates for people, URL components.

/// `2026-11-28T10:15:00Z` as the browser's local date and time; on the
/// server (which never shows session data) the text is returned unchanged.
pub fn local_time(rfc3339: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if date.get_time().is_nan() {
            return rfc3339.to_owned();
        }
        let shown: String = date
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into();
        shown
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        rfc3339.to_owned()
    }
}

/// Percent-encodes `text` for a query string value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_encoded_but_paths_stay_readable() {
        assert_eq!(
            encode_component("/bartender/devices?x=1&y=ä"),
            "/bartender/devices%3Fx%3D1%26y%3D%C3%A4"
        );
    }
}
