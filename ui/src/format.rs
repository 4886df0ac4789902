//! Small text helpers for pages: dates for people, URL components, price
//! differences.

use shared::bar::format_price;

/// `rfc3339` as the browser reads it; `None` when unreadable.
#[cfg(target_arch = "wasm32")]
fn js_date(rfc3339: &str) -> Option<js_sys::Date> {
    let date = js_sys::Date::new(&rfc3339.into());
    (!date.get_time().is_nan()).then_some(date)
}

/// `2026-11-28T10:15:00Z` as the browser's local date and time; on the
/// server (which never shows session data) the text is returned unchanged.
pub fn local_time(rfc3339: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(date) = js_date(rfc3339) {
        return date
            .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into();
    }
    rfc3339.to_owned()
}

/// `2026-11-28T21:42:10Z` as the browser's local hour and minute ("21:42"),
/// with the date in front when it was not today.
pub fn local_moment(rfc3339: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    if let Some(date) = js_date(rfc3339) {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
        let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
        let time: String = date
            .to_locale_time_string_with_options("default", &options)
            .into();
        // Today, in the browser's time zone: the time alone.
        if date.to_date_string() == js_sys::Date::new_0().to_date_string() {
            return time;
        }
        let day: String = date
            .to_locale_date_string("default", &wasm_bindgen::JsValue::UNDEFINED)
            .into();
        return format!("{day} {time}");
    }
    rfc3339.to_owned()
}

/// Percent-encodes `text` for a query string value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Milliseconds since 1970 of an RFC 3339 time, as the browser reads it;
/// `None` when unreadable, and on the server (which shows no ages).
pub fn timestamp_millis(rfc3339: &str) -> Option<f64> {
    #[cfg(target_arch = "wasm32")]
    return js_date(rfc3339).map(|date| date.get_time());
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _unused = rfc3339;
        None
    }
}

/// The current time in milliseconds since 1970 (the browser's clock there).
pub fn now_millis() -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Date::now();
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

/// A day counted from today, `YYYY-MM-DD`: the browser's local date there,
/// the UTC date elsewhere. `days_from_today` may be negative.
pub fn local_day(days_from_today: i32) -> String {
    let millis = now_millis() + f64::from(days_from_today) * 86_400_000.0;
    #[cfg(not(target_arch = "wasm32"))]
    return civil_date((millis / 86_400_000.0).floor() as i64);
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(millis));
        let (year, month, day) = (date.get_full_year(), date.get_month() + 1, date.get_date());
        format!("{year:04}-{month:02}-{day:02}")
    }
}

/// Days since 1970-01-01 as a `YYYY-MM-DD` date (proleptic Gregorian;
/// Howard Hinnant's `civil_from_days`).
#[cfg(not(target_arch = "wasm32"))]
fn civil_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// How long something has waited, in whole minutes for people at a glance:
/// `"just now"`, `"3 min"`, `"1 h 05 min"`. Negative ages (a clock a little
/// behind the server's) read as just now.
pub fn age(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        0 => "just now".to_owned(),
        1..=59 => format!("{minutes} min"),
        _ => format!("{} h {:02} min", minutes / 60, minutes % 60),
    }
}

/// An option's price difference as a guest reads it beside the option:
/// `"+0.40"`, `"−2.50"` (a true minus sign, not a hyphen), and nothing for
/// none, so a free choice carries no number.
pub fn price_delta(cents: i64) -> String {
    match cents {
        0 => String::new(),
        c if c > 0 => format!("+{}", format_price(c)),
        c => format!("\u{2212}{}", format_price(c).trim_start_matches('-')),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn price_differences_carry_their_sign_and_none_says_nothing() {
        assert_eq!(price_delta(40), "+0.40");
        assert_eq!(price_delta(-250), "\u{2212}2.50");
        assert_eq!(price_delta(0), "");
    }

    #[test]
    fn query_values_are_encoded_but_paths_stay_readable() {
        assert_eq!(
            encode_component("/bartender/devices?x=1&y=ä"),
            "/bartender/devices%3Fx%3D1%26y%3D%C3%A4"
        );
    }

    #[test]
    fn days_since_1970_read_as_calendar_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(-1), "1969-12-31");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(20_795), "2026-12-08");
    }

    #[test]
    fn ages_read_in_minutes_then_hours() {
        assert_eq!(age(-5), "just now");
        assert_eq!(age(59), "just now");
        assert_eq!(age(60), "1 min");
        assert_eq!(age(59 * 60 + 59), "59 min");
        assert_eq!(age(60 * 60), "1 h 00 min");
        assert_eq!(age(2 * 3600 + 5 * 60), "2 h 05 min");
    }
}
