//! Readable device descriptions ("Chrome 120 on Windows") from user agents.

/// Longest user agent we keep.
pub const USER_AGENT_MAX_LEN: usize = 512;

/// Describes the browser and system of a user agent in a few words.
pub fn describe(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
        return "Unknown device".to_owned();
    };
    let parser = woothee::parser::Parser::new();
    let Some(result) = parser.parse(ua) else {
        return short_fallback(ua);
    };
    // Libraries and bots read better as their own product token.
    if !matches!(
        result.category,
        "pc" | "smartphone" | "mobilephone" | "appliance"
    ) {
        return short_fallback(ua);
    }
    let browser = if result.name == "UNKNOWN" {
        None
    } else {
        Some(result.name)
    };
    let major = result
        .version
        .split('.')
        .next()
        .filter(|v| !v.is_empty() && *v != "UNKNOWN");
    let os = if result.os == "UNKNOWN" {
        None
    } else {
        Some(result.os)
    };
    match (browser, os) {
        (Some(b), Some(os)) => match major {
            Some(v) => format!("{b} {v} on {os}"),
            None => format!("{b} on {os}"),
        },
        (Some(b), None) => match major {
            Some(v) => format!("{b} {v}"),
            None => b.to_owned(),
        },
        (None, Some(os)) => format!("Unknown browser on {os}"),
        (None, None) => short_fallback(ua),
    }
}

/// The product token of an unrecognised agent, e.g. "curl/8.5.0".
fn short_fallback(ua: &str) -> String {
    ua.split_whitespace()
        .next()
        .map(|t| {
            t.chars()
                .filter(|c| !c.is_control())
                .take(40)
                .collect::<String>()
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "Unknown device".to_owned())
}

/// Cuts a user agent to the stored length, on a character boundary.
pub fn clamp_user_agent(ua: &str) -> String {
    ua.chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_MAX_LEN)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers_read_naturally() {
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        assert_eq!(describe(Some(chrome)), "Chrome 120 on Windows 10");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1";
        assert_eq!(describe(Some(iphone)), "Safari 17 on iPhone");
        assert_eq!(describe(Some("curl/8.5.0")), "curl/8.5.0");
        assert_eq!(describe(None), "Unknown device");
        assert_eq!(describe(Some("   ")), "Unknown device");
    }
}
