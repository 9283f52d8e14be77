//! Errors a dashboard can meet when talking to an AgentOS, classified so that
//! each one gets its own clear message and a hint of what to do.
//!
//! The browser hides why a `fetch` failed: "nothing listening" and "CORS
//! refused" both reject with the same `TypeError`. The web transport tells
//! them apart with a second, `no-cors` probe (an opaque answer means the
//! server is up, so the first failure was CORS) and reports
//! [`ApiError::Unreachable`] or [`ApiError::Cors`] accordingly.

use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The text typed as a server URL is not usable.
    InvalidUrl { input: String, reason: String },
    /// The request never got an answer: nothing listening, wrong host or
    /// port, DNS failure, or a timeout.
    Unreachable { url: String, timed_out: bool },
    /// The server answered, but the browser refused to hand the answer to
    /// the page because the server does not allow this page's origin.
    Cors { url: String, origin: String },
    /// HTTP 401. `had_key` tells whether a key was sent.
    Unauthorized { had_key: bool, detail: Option<String> },
    /// HTTP 403.
    Forbidden { detail: Option<String> },
    /// HTTP 404 from an AgentOS route (unknown agent, session, ...).
    NotFound { detail: Option<String> },
    /// HTTP 422: the server refused the request's fields.
    Validation { detail: String },
    /// HTTP 5xx.
    Server { status: u16, detail: Option<String> },
    /// Any other non-success status.
    Http { status: u16, detail: Option<String> },
    /// The URL answers, but not like an AgentOS (an HTML page, a 404 on
    /// `/health`, JSON of another shape).
    NotAgentOs { url: String, reason: String },
    /// An AgentOS answer that could not be decoded.
    Decode { what: String, detail: String },
    /// The request was cancelled by the dashboard itself.
    Aborted,
    /// The server answered a request that carried the key with a redirect
    /// (HTTP 3xx). The dashboard does not follow it, so the key is never
    /// sent on to another address.
    Redirected { url: String },
    /// The security key holds a character an HTTP header cannot carry;
    /// nothing was sent. `reason` names the kind and position, never the key.
    InvalidKey { reason: String },
    /// A part of the dashboard's own code, fetched on demand from the server that hosts the
    /// dashboard, did not arrive (a network error there): nothing was sent to the AgentOS.
    NotLoaded { what: String },
    /// An id that cannot be a URL path segment (empty, `.` or `..`): the
    /// request was not sent (see [`crate::path::check`]).
    InvalidId { id: String },
}

impl ApiError {
    /// Classifies a non-success HTTP answer from its status and body text.
    pub fn from_status(status: u16, body: &str, had_key: bool) -> ApiError {
        let detail = detail_from_body(body);
        match status {
            401 => ApiError::Unauthorized { had_key, detail },
            403 => ApiError::Forbidden { detail },
            404 => ApiError::NotFound { detail },
            422 => ApiError::Validation {
                detail: detail.unwrap_or_else(|| "the request was not valid".into()),
            },
            500..=599 => ApiError::Server { status, detail },
            _ => ApiError::Http { status, detail },
        }
    }

    /// One sentence a person can read: what happened.
    pub fn title(&self) -> String {
        if let Some((url, port)) = self.refused_port() {
            return format!("Browsers refuse to connect to port {port}, so {url} cannot be reached from this page.");
        }
        match self {
            ApiError::InvalidUrl { input, reason } => {
                format!("“{input}” is not a usable server URL: {reason}.")
            }
            ApiError::Unreachable { url, timed_out: false } => {
                format!("Nothing is listening at {url}.")
            }
            ApiError::Unreachable { url, timed_out: true } => {
                format!("Nothing is listening at {url} (no answer within the time limit).")
            }
            ApiError::Cors { url, .. } => {
                format!("The browser blocked this request (CORS): {url} does not allow this dashboard's origin.")
            }
            ApiError::Unauthorized { had_key: true, .. } => {
                "The server rejected the security key (HTTP 401).".into()
            }
            ApiError::Unauthorized { had_key: false, .. } => {
                "This server needs a security key (HTTP 401).".into()
            }
            ApiError::Forbidden { detail } => with_detail("Access denied (HTTP 403)", detail),
            ApiError::NotFound { detail } => with_detail("Not found (HTTP 404)", detail),
            ApiError::Validation { detail } => {
                format!("The server refused the request (HTTP 422): {detail}")
            }
            ApiError::Server { status, detail } => {
                with_detail(&format!("The server failed (HTTP {status})"), detail)
            }
            ApiError::Http { status, detail } => {
                with_detail(&format!("The server answered HTTP {status}"), detail)
            }
            ApiError::NotAgentOs { url, reason } => {
                format!("This URL answers, but it is not an AgentOS: {url} ({reason}).")
            }
            ApiError::Decode { what, detail } => {
                format!("The server's answer for {what} could not be read: {detail}")
            }
            ApiError::Aborted => "The request was cancelled.".into(),
            ApiError::Redirected { url } => format!(
                "The server answered with a redirect to another address; the dashboard does not follow \
                 redirects with your key ({url})."
            ),
            ApiError::InvalidKey { reason } => {
                format!("This security key cannot be sent: {reason}. Nothing was sent.")
            }
            ApiError::NotLoaded { what } => format!(
                "The dashboard's code for {what} did not arrive from the server that hosts the dashboard; nothing was sent."
            ),
            ApiError::InvalidId { id } => {
                format!("The id “{id}” cannot be used in a request: an id must not be empty, “.” or “..”.")
            }
        }
    }

    /// What the person can do about it, if there is something to say.
    pub fn hint(&self) -> Option<String> {
        if let Some((_, port)) = self.refused_port() {
            return Some(format!(
                "Port {port} is one that browsers keep for other protocols (mail, SSH, X11 and more). \
                 Serve the AgentOS on another port, for example 7777."
            ));
        }
        match self {
            ApiError::InvalidUrl { .. } => Some(
                "Enter the address of the AgentOS, for example http://localhost:7777.".into(),
            ),
            ApiError::Unreachable { .. } => Some(
                "Check that the AgentOS is running and that the host and port are right. \
                 A page served over https cannot reach an http server on another host."
                    .into(),
            ),
            ApiError::Cors { origin, .. } => Some(format!(
                "Allow this dashboard's origin on the server: AgentOS(..., cors_allowed_origins=[\"{origin}\"]) \
                 or AgentOS(..., cors=CORSConfig(origins=[\"{origin}\"])) from agno.os.config, then restart it."
            )),
            ApiError::Unauthorized { had_key: true, .. } => Some(
                "Enter the key the server was started with (its OS_SECURITY_KEY).".into(),
            ),
            ApiError::Unauthorized { had_key: false, .. } => Some(
                "Enter the server's security key (its OS_SECURITY_KEY) in the connection settings.".into(),
            ),
            ApiError::NotAgentOs { .. } => Some(
                "Use the base URL of an agno AgentOS (the address where /health and /info answer).".into(),
            ),
            ApiError::Server { .. } => Some("Look at the AgentOS logs for the cause.".into()),
            ApiError::Redirected { .. } => Some(
                "Enter the address the AgentOS really answers at (for example https:// instead of http://, \
                 or the path a proxy forwards to), so no redirect is needed."
                    .into(),
            ),
            ApiError::InvalidKey { .. } => Some(
                "A key is plain visible ASCII (letters, digits and punctuation) with no spaces or line breaks: \
                 copy it again from where the server's OS_SECURITY_KEY is set."
                    .into(),
            ),
            ApiError::NotLoaded { .. } => Some("Check the network connection and try again.".into()),
            _ => None,
        }
    }

    /// An unreachable server whose port browsers refuse ([`refused_port`]): the browser failed
    /// the request before it left, exactly as if nothing listened there, so the message says why.
    fn refused_port(&self) -> Option<(&str, u16)> {
        match self {
            ApiError::Unreachable { url, .. } => refused_port(url).map(|p| (url.as_str(), p)),
            _ => None,
        }
    }

    /// Errors that mean "the connection as a whole is not working", as
    /// opposed to one request being refused.
    pub fn is_connection_error(&self) -> bool {
        matches!(
            self,
            ApiError::Unreachable { .. }
                | ApiError::Cors { .. }
                | ApiError::Unauthorized { .. }
                | ApiError::NotAgentOs { .. }
                | ApiError::InvalidUrl { .. }
                | ApiError::InvalidKey { .. }
                | ApiError::Redirected { .. }
        )
    }
}

fn with_detail(head: &str, detail: &Option<String>) -> String {
    match detail {
        Some(d) if !d.is_empty() => format!("{head}: {d}"),
        _ => format!("{head}."),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title())
    }
}

impl std::error::Error for ApiError {}

/// Extracts FastAPI's `detail` from an error body: a string, or a list of
/// validation errors (`[{loc, msg}]`) joined into one line. Falls back to a
/// short plain-text body; HTML pages give `None`.
pub fn detail_from_body(body: &str) -> Option<String> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(trimmed) {
        Ok(v) => match v.get("detail").or_else(|| v.get("error")).or_else(|| v.get("message")) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Array(items)) => {
                let parts: Vec<String> = items
                    .iter()
                    .map(|item| {
                        let msg = item.get("msg").and_then(Value::as_str).unwrap_or("invalid");
                        let loc = item
                            .get("loc")
                            .and_then(Value::as_array)
                            .map(|l| {
                                l.iter()
                                    .filter(|p| p.as_str() != Some("body") && p.as_str() != Some("query"))
                                    .map(|p| match p {
                                        Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })
                                    .collect::<Vec<_>>()
                                    .join(".")
                            })
                            .unwrap_or_default();
                        if loc.is_empty() {
                            msg.to_string()
                        } else {
                            format!("{loc}: {msg}")
                        }
                    })
                    .collect();
                Some(parts.join("; "))
            }
            Some(other) => Some(other.to_string()),
            None => None,
        },
        Err(_) if trimmed.starts_with('<') => None,
        Err(_) => Some(trimmed.chars().take(200).collect()),
    }
}

/// Normalizes what a person typed as the server address into a base URL
/// without a trailing slash: `localhost:7777` → `http://localhost:7777`.
/// Only `http` and `https` are accepted; credentials in the URL are refused
/// (a key belongs in the key field, never in a URL).
pub fn normalize_base_url(input: &str) -> Result<String, ApiError> {
    let invalid = |reason: &str| ApiError::InvalidUrl {
        input: input.trim().to_string(),
        reason: reason.to_string(),
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(invalid("it is empty"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("it contains spaces"));
    }
    let (scheme, rest) = match s.split_once("://") {
        Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
        None => ("http".to_string(), s),
    };
    if scheme != "http" && scheme != "https" {
        return Err(invalid("only http:// and https:// addresses are supported"));
    }
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(invalid("it has no host"));
    }
    if authority.contains('@') {
        return Err(invalid("put the key in the Security key field, not in the URL"));
    }
    if !valid_authority(authority) {
        return Err(invalid("the host or port is not valid"));
    }
    if path.contains('?') || path.contains('#') {
        return Err(invalid("it must not contain a query or a fragment"));
    }
    let path = path.trim_end_matches('/');
    Ok(format!("{scheme}://{authority}{path}"))
}

/// The identity a key is stored under: the normalized base URL (origin and
/// path) with the scheme and host lower-cased, so `HTTP://Host:1/api/` and
/// `http://host:1/api` are one server. `None` for an unusable URL.
pub fn endpoint_id(input: &str) -> Option<String> {
    let base = normalize_base_url(input).ok()?;
    let (scheme, rest) = base.split_once("://")?;
    let cut = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(cut);
    Some(format!("{scheme}://{}{path}", authority.to_ascii_lowercase()))
}

/// The ports browsers refuse to connect to: the Fetch standard's "bad ports" (kept for mail,
/// SSH, X11, IRC and other protocols), which Chromium, Firefox and Safari block, and port 0,
/// which no browser connects to. A request to one fails before it leaves the browser with the
/// same `TypeError` as a server that is not there.
const BAD_PORTS: [u16; 83] = [
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
];

/// The port of a server address when it is one browsers refuse (see [`BAD_PORTS`]); `None` for
/// any other port, an address without one (80 or 443) or an unusable address. Used only to
/// explain a request that already failed: a browser configured to allow the port still connects.
pub fn refused_port(base: &str) -> Option<u16> {
    let id = endpoint_id(base)?;
    let authority = id.split_once("://")?.1.split('/').next()?;
    let port = match authority.rsplit_once(']') {
        Some((_, tail)) => tail.strip_prefix(':')?,
        None => authority.rsplit_once(':')?.1,
    };
    let port: u16 = port.parse().ok()?;
    BAD_PORTS.contains(&port).then_some(port)
}

/// Checks that a security key can travel in an `Authorization: Bearer`
/// header: after trimming, only visible ASCII (`!` to `~`). The error says
/// what is wrong and where, without repeating the key.
pub fn validate_key(key: &str) -> Result<(), ApiError> {
    let key = key.trim();
    for (n, c) in key.chars().enumerate() {
        let kind = match c {
            '!'..='~' => continue,
            '\r' | '\n' => "a line break",
            ' ' | '\u{a0}' => "a space",
            '\t' => "a tab",
            c if c.is_control() => "a control character",
            c if c.is_whitespace() => "a space",
            _ => "a character outside plain ASCII",
        };
        return Err(ApiError::InvalidKey { reason: format!("it contains {kind} (character {})", n + 1) });
    }
    Ok(())
}

/// Whether sending a key to `base` crosses the network in clear text: an
/// `http://` URL whose host is not loopback (127.0.0.0/8, `::1`,
/// `localhost` and `*.localhost`). `https://` and unusable URLs give false.
pub fn is_plain_http_remote(base: &str) -> bool {
    let Some(base) = endpoint_id(base) else { return false };
    let Some(rest) = base.strip_prefix("http://") else { return false };
    let authority = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    !is_loopback_host(host)
}

/// Loopback by its usual spellings (a warning only, so an odd spelling of
/// loopback merely warns). Hand-written: `std::net`'s address parsers cost
/// several KB of wasm for this one check.
fn is_loopback_host(host: &str) -> bool {
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    // IPv6: `::1` and its longer spellings (all groups 0 but a last 1).
    if host.contains(':') {
        let groups: Vec<&str> = host.split(':').filter(|g| !g.is_empty()).collect();
        return matches!(groups.split_last(), Some((last, rest))
            if last.trim_start_matches('0') == "1" && rest.iter().all(|g| g.chars().all(|c| c == '0')));
    }
    // IPv4: 127.0.0.0/8, four decimal octets.
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets.iter().all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()) && o.parse::<u16>().is_ok_and(|n| n <= 255))
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`, with a DNS-style host.
fn valid_authority(authority: &str) -> bool {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        match rest.split_once(']') {
            Some((v6, tail)) => {
                if v6.is_empty() || !v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') {
                    return false;
                }
                match tail {
                    "" => return true,
                    t => ("v6", t.strip_prefix(':').unwrap_or("x")),
                }
            }
            None => return false,
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, p),
            None => (authority, "0"),
        }
    };
    let host_ok = !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_');
    // A URL's port is at most 65535 (the browser's URL parser refuses more).
    let port_ok = !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) && port.parse::<u16>().is_ok();
    host_ok && port_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_urls() {
        assert_eq!(normalize_base_url(" localhost:7777/ ").unwrap(), "http://localhost:7777");
        assert_eq!(
            normalize_base_url("HTTPS://os.example.com/api/").unwrap(),
            "https://os.example.com/api"
        );
        assert!(normalize_base_url("").is_err());
        assert!(normalize_base_url("ftp://x").is_err());
        assert!(normalize_base_url("javascript:alert(1)").is_err());
        assert!(normalize_base_url("http://user:secret@host").is_err());
        assert!(normalize_base_url("http://host/?token=x").is_err());
        assert!(normalize_base_url("http:// host").is_err());
        assert_eq!(normalize_base_url("[::1]:7777").unwrap(), "http://[::1]:7777");
        assert_eq!(normalize_base_url("127.0.0.1:7777").unwrap(), "http://127.0.0.1:7777");
        assert!(normalize_base_url("host:notaport").is_err());
    }

    #[test]
    fn ports_browsers_refuse_are_named() {
        for (url, port) in [("http://127.0.0.1:6000", 6000), ("HTTP://Host:25/api/", 25), ("[::1]:10080", 10080), ("h:0", 0)] {
            assert_eq!(refused_port(url), Some(port), "{url}");
            let e = ApiError::Unreachable { url: normalize_base_url(url).unwrap(), timed_out: false };
            assert!(e.title().starts_with(&format!("Browsers refuse to connect to port {port}, so ")), "{}", e.title());
            assert!(e.hint().unwrap().contains("another port"));
        }
        for url in ["http://127.0.0.1:7777", "http://h", "https://h/api", "[::1]", "[::6000]:8080", "h:06000x", "ftp://h:6000", "h:60000"] {
            assert_eq!(refused_port(url), None, "{url}");
        }
        // Only an unreachable server: another error on such a port keeps its own message.
        let cors = ApiError::Cors { url: "http://h:6000".into(), origin: "o".into() };
        assert!(cors.title().starts_with("The browser blocked this request (CORS)"));
        assert!(ApiError::Unreachable { url: "http://h:7777".into(), timed_out: false }.title().starts_with("Nothing is listening at"));
    }

    #[test]
    fn a_port_over_65535_is_not_a_url() {
        assert!(normalize_base_url("http://h:65535").is_ok());
        assert!(normalize_base_url("http://h:65536").is_err());
        assert!(normalize_base_url("[::1]:99999").is_err());
        assert!(normalize_base_url("h:123456").is_err());
    }

    #[test]
    fn endpoint_ids() {
        assert_eq!(endpoint_id("HTTP://LocalHost:7777/API/").as_deref(), Some("http://localhost:7777/API"));
        assert_eq!(endpoint_id("127.0.0.1:7777").as_deref(), Some("http://127.0.0.1:7777"));
        assert_ne!(endpoint_id("http://a:1"), endpoint_id("https://a:1"));
        assert_ne!(endpoint_id("http://a:1"), endpoint_id("http://a:1/x"));
        assert_eq!(endpoint_id("ftp://x"), None);
    }

    #[test]
    fn keys_a_header_cannot_carry_are_refused() {
        assert!(validate_key("").is_ok());
        assert!(validate_key("  e2e-key\n").is_ok(), "surrounding space is trimmed");
        assert!(validate_key("A-z_0.9~!$%&'()*+,/:;=?@[]").is_ok());
        for (key, words) in [
            ("ab\ncd", "a line break (character 3)"),
            ("ab\r\ncd", "a line break (character 3)"),
            ("a b", "a space (character 2)"),
            ("a\tb", "a tab (character 2)"),
            ("a\u{7}b", "a control character (character 2)"),
            ("clé", "a character outside plain ASCII (character 3)"),
            ("🔑k", "a character outside plain ASCII (character 1)"),
        ] {
            let e = validate_key(key).unwrap_err();
            assert!(matches!(e, ApiError::InvalidKey { .. }));
            let title = e.title();
            assert!(title.contains(words), "{key:?}: {title}");
            assert!(title.starts_with("This security key cannot be sent:"), "{title}");
            assert!(!title.contains(key.trim()), "the message never repeats the key");
        }
    }

    #[test]
    fn plain_http_to_another_host_is_told_apart_from_loopback() {
        for url in ["http://10.1.2.3:9", "http://example.com", "192.168.1.2:7777", "http://[2001:db8::1]:80", "http://128.0.0.1",
            "http://127.0.0.256", "http://127.0.0.1.evil.com", "http://[::11]", "http://[1::1]"] {
            assert!(is_plain_http_remote(url), "{url}");
        }
        for url in [
            "http://127.0.0.1:7777",
            "127.9.8.7:1",
            "http://localhost:7777/api",
            "http://LOCALHOST",
            "http://app.localhost:3000",
            "http://[::1]:7777",
            "http://[0:0:0:0:0:0:0:1]",
            "https://example.com",
            "not a url",
        ] {
            assert!(!is_plain_http_remote(url), "{url}");
        }
    }

    #[test]
    fn a_redirect_has_its_own_message() {
        let e = ApiError::Redirected { url: "http://127.0.0.1:9/config".into() };
        assert!(e.title().starts_with(
            "The server answered with a redirect to another address; the dashboard does not follow redirects with your key"
        ));
        assert!(e.title().contains("http://127.0.0.1:9/config"));
        assert!(e.hint().unwrap().contains("no redirect is needed"));
        assert!(e.is_connection_error());
    }

    #[test]
    fn reads_fastapi_details() {
        assert_eq!(
            detail_from_body(r#"{"detail":"Agent not found"}"#).as_deref(),
            Some("Agent not found")
        );
        let body = r#"{"detail":[{"type":"missing","loc":["body","message"],"msg":"Field required","input":null}]}"#;
        assert_eq!(detail_from_body(body).as_deref(), Some("message: Field required"));
        assert_eq!(detail_from_body("<html>nope</html>"), None);
        assert_eq!(detail_from_body("Disallowed CORS origin").as_deref(), Some("Disallowed CORS origin"));
    }

    #[test]
    fn dashboard_code_that_did_not_arrive_is_not_a_server_fault() {
        let e = ApiError::NotLoaded { what: "running a chat".into() };
        assert!(e.title().contains("running a chat"), "{}", e.title());
        assert!(e.title().contains("nothing was sent"), "{}", e.title());
        assert!(e.hint().is_some());
        // The connection to the AgentOS is fine: the page must not send the person back to the form.
        assert!(!e.is_connection_error());
    }

    #[test]
    fn classifies_statuses() {
        assert!(matches!(
            ApiError::from_status(401, r#"{"detail":"Invalid authentication token"}"#, true),
            ApiError::Unauthorized { had_key: true, .. }
        ));
        assert!(matches!(ApiError::from_status(503, "", false), ApiError::Server { status: 503, .. }));
        let e = ApiError::Cors { url: "http://h:1".into(), origin: "http://o:2".into() };
        assert!(e.title().starts_with("The browser blocked this request (CORS)"));
        assert!(e.hint().unwrap().contains("cors_allowed_origins=[\"http://o:2\"]"));
        assert!(ApiError::Unreachable { url: "u".into(), timed_out: false }
            .title()
            .starts_with("Nothing is listening at"));
    }
}
