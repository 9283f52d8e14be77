//! The one lenient JSON reader (bottom of the crate: no other module here).
//!
//! Every wire type is read from a `serde_json::Value` with these functions:
//! a missing field, or one of an unexpected type, reads as absent; unknown
//! fields are ignored; nothing panics and nothing allocates more than the
//! value it copies. One set of rules for every module:
//!
//! - [`text`]: a string that is not blank, or a number or boolean written
//!   out; anything else (null, blank, arrays, objects) is absent;
//! - [`number`] / [`as_u64`]: a non-negative integer (a float is truncated,
//!   a numeric string is parsed); [`int`]: a signed one;
//! - [`flag`]: a boolean, or the strings "true"/"false";
//! - [`list`], [`any`]: an array (else empty) / the value as it is.

use serde_json::Value;

/// Reading a typed payload from a JSON object, leniently.
pub trait FromJson: Sized {
    fn from_json(v: &Value) -> Self;
}

/// A field as text: a non-blank string as it is, a number or a boolean
/// written out; anything else (or a missing field) is absent.
pub fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A field as a count (see [`as_u64`]).
pub fn number(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(as_u64)
}

/// A field as a signed integer (floats truncated and clamped to `i64`).
pub fn int(v: &Value, key: &str) -> Option<i64> {
    let x = v.get(key)?;
    // `as` from f64 saturates (and maps NaN to 0): never a panic.
    x.as_i64().or_else(|| x.as_f64().map(|f| f as i64))
}

/// A boolean field; "true"/"false" strings count.
pub fn flag(v: &Value, key: &str) -> Option<bool> {
    match v.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A list field (anything else reads as empty).
pub fn list(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

/// Any JSON field as it is (`Null` when missing).
pub fn any(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}

/// A non-negative integer from a JSON number (or a numeric string). Floats
/// are truncated and clamped to `u64` (`1e300` reads as `u64::MAX`).
pub fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A float from a JSON number (durations and timings are never sent as
/// strings; not parsing them keeps the float parser out of the bundle).
pub fn as_f64(v: &Value) -> Option<f64> {
    v.as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_set_of_rules() {
        let v = json!({"s": "x", "blank": "  ", "n": 3, "f": 2.5, "b": true, "a": [1], "o": {}, "z": null,
                       "neg": -1, "big": 1e300, "ns": " 42 "});
        assert_eq!(text(&v, "s").as_deref(), Some("x"));
        assert_eq!(text(&v, "blank"), None);
        assert_eq!(text(&v, "n").as_deref(), Some("3"));
        assert_eq!(text(&v, "b").as_deref(), Some("true"));
        for k in ["a", "o", "z", "missing"] {
            assert_eq!(text(&v, k), None, "{k}");
        }
        assert_eq!(number(&v, "n"), Some(3));
        assert_eq!(number(&v, "f"), Some(2));
        assert_eq!(number(&v, "neg"), None);
        assert_eq!(number(&v, "big"), Some(u64::MAX));
        assert_eq!(number(&v, "ns"), Some(42));
        assert_eq!(int(&v, "neg"), Some(-1));
        assert_eq!(int(&v, "big"), Some(i64::MAX));
        assert_eq!(flag(&json!({"x": "TRUE"}), "x"), Some(true));
        assert_eq!(list(&v, "a"), vec![json!(1)]);
        assert_eq!(list(&v, "o"), Vec::<Value>::new());
        assert_eq!(any(&v, "missing"), Value::Null);
    }
}
