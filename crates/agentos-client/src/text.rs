//! Cutting text people read to a length, at character boundaries (bottom of
//! the crate, beside [`crate::json`]). Server text is never sliced by byte
//! index: a cut lands between characters, and ends with "…".

use serde_json::Value;

/// `s` trimmed; `None` when blank. Longer than `max` characters: its first
/// `max - 1` characters (trailing spaces dropped) and "…", so the result
/// never has more than `max` characters.
pub fn clip(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match s.char_indices().nth(max) {
        None => Some(s.to_string()),
        Some(_) => {
            let keep = max.saturating_sub(1);
            let end = s.char_indices().nth(keep).map_or(s.len(), |(i, _)| i);
            Some(format!("{}…", s.get(..end).unwrap_or_default().trim_end()))
        }
    }
}

/// A JSON value as pretty text: at most `max` characters of it, then "…"
/// when cut (see [`clip`]).
pub fn json_text(v: &Value, max: usize) -> String {
    clip(&serde_json::to_string_pretty(v).unwrap_or_default(), max.saturating_add(1)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cuts_at_characters() {
        assert_eq!(clip("  ", 5), None);
        assert_eq!(clip(" abc ", 5).as_deref(), Some("abc"));
        assert_eq!(clip("abcdef", 5).as_deref(), Some("abcd…"));
        assert_eq!(clip("ééééé é", 5).as_deref(), Some("éééé…"));
        assert_eq!(clip("abc   def", 5).as_deref(), Some("abc…"));
        assert_eq!(json_text(&serde_json::json!({"a": 1}), 100), "{\n  \"a\": 1\n}");
    }

    proptest! {
        #[test]
        fn never_longer_never_panics(s in "\\PC{0,40}", max in 0usize..50) {
            if let Some(c) = clip(&s, max) {
                prop_assert!(c.chars().count() <= max.max(1));
                prop_assert!(!c.is_empty());
            }
        }
    }
}
