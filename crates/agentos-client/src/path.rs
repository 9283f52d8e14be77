//! The one URL encoder: path segments, query values and hash routes.
//!
//! [`encode`] percent-encodes everything but RFC 3986's unreserved
//! characters, so an id can never add a `/`, `?` or `#` to a URL. Dots are
//! unreserved, and browsers resolve a `.` or `..` segment (also written
//! `%2E`) before sending: `DELETE /sessions/..` would become `DELETE /`.
//! So [`check`] refuses a path with an empty, `.` or `..` segment; the
//! transport runs it on every path before a URL is built, and the caller
//! gets [`ApiError::InvalidId`] instead of a request to another route.

use crate::error::ApiError;

/// Percent-encodes one path segment or query value (RFC 3986 unreserved
/// characters kept, every other byte as `%XX`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 15)] as char);
            }
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid escapes stay as they are; invalid UTF-8
/// becomes U+FFFD). The inverse of [`encode`].
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) = (b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c))) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether an id can be one URL path segment: not empty, not `.` or `..`.
pub fn is_valid_id(id: &str) -> bool {
    !matches!(id, "" | "." | "..")
}

/// Checks an API path (`/sessions/abc/runs?type=agent`): every segment
/// before the query must decode to a valid id (see [`is_valid_id`]).
pub fn check(path: &str) -> Result<(), ApiError> {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let segments = path.get(..end).unwrap_or(path);
    for seg in segments.strip_prefix('/').unwrap_or(segments).split('/') {
        let id = decode(seg);
        if !is_valid_id(&id) {
            return Err(ApiError::InvalidId { id });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_are_refused() {
        assert!(check("/sessions/abc/runs?type=agent").is_ok());
        assert!(check("/sessions/a.b?x=..").is_ok());
        for p in ["/sessions/..", "/sessions/.", "/sessions/", "/sessions//runs", "/sessions/%2E%2e", "/sessions/.%2E/rename", "/"] {
            assert!(matches!(check(p), Err(ApiError::InvalidId { .. })), "{p}");
        }
        let e = check(&format!("/sessions/{}", encode(".."))).unwrap_err();
        assert_eq!(e, ApiError::InvalidId { id: "..".into() });
        assert!(e.title().contains("“..”"));
    }

    #[test]
    fn encodes_and_decodes() {
        assert_eq!(encode("a b/c?d#é"), "a%20b%2Fc%3Fd%23%C3%A9");
        assert_eq!(decode("a%20b%2Fc%3Fd%23%C3%A9"), "a b/c?d#é");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
    }
}
