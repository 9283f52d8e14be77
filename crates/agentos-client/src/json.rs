//! The one lenient JSON reader (bottom of the crate: no other module here).
//!
//! Every wire type is read from a `serde_json::Value` with these functions
//! (most through [`crate::wire::wire!`]): a missing field, or one of an
//! unexpected type, reads as absent; unknown fields are ignored; nothing
//! panics and nothing allocates more than the value it copies. One set of
//! rules for every module:
//!
//! - [`text`] / [`string`]: a string that is not blank, or a number or
//!   boolean written out; anything else (null, blank, arrays, objects) is
//!   absent / empty; [`verbatim`]: a string as it is, blank included;
//! - [`number`] / [`as_u64`]: a non-negative integer (a float is truncated,
//!   a numeric string is parsed), [`number_or_zero`], [`count`] (one that
//!   fits a `u32`); [`int`]: a signed one;
//! - [`flag`]: a boolean, or the strings "true"/"false";
//! - [`list`], [`strings`], [`any`], [`raw`]: an array (else empty), its
//!   strings, the value as it is (`Null` when missing), the value unless null;
//! - [`obj`], [`objs`], [`opt_objs`], [`rows`]: nested objects read with their
//!   own [`FromJson`] ([`rows`] drops incomplete ones); [`object`]: a JSON
//!   object as it is.
//!
//! A key may be a dotted path into nested objects (`"metrics.total_tokens"`,
//! see [`get`]).

use serde_json::Value;

/// Reading a typed payload from a JSON object, leniently: THE reader
/// interface of every wire type (`T::from_json`).
pub trait FromJson: Sized {
    fn from_json(v: &Value) -> Self;

    /// As an item of a list: `None` drops the row (a row missing a field the
    /// type cannot do without; see `required` in [`crate::wire`]).
    fn from_json_row(v: &Value) -> Option<Self> {
        Some(Self::from_json(v))
    }
}

/// The value at `path`: a key, or keys joined by `.` into nested objects.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |v, key| v.get(key))
}

/// A field as text: a non-blank string as it is, a number or a boolean
/// written out; anything else (or a missing field) is absent.
pub fn text(v: &Value, key: &str) -> Option<String> {
    match get(v, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// [`text`] of `key`, else of `fallback`.
pub fn first_text(v: &Value, key: &str, fallback: &str) -> Option<String> {
    text(v, key).or_else(|| text(v, fallback))
}

/// [`text`], or empty.
pub fn string(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_default()
}

/// A string field as it is (blank kept); anything else is empty.
pub fn verbatim(v: &Value, key: &str) -> String {
    get(v, key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// [`text`], or "unknown" (a status or a model id people read).
pub fn or_unknown(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_else(|| "unknown".into())
}

/// A field as a count (see [`as_u64`]).
pub fn number(v: &Value, key: &str) -> Option<u64> {
    get(v, key).and_then(as_u64)
}

/// [`number`], or 0.
pub fn number_or_zero(v: &Value, key: &str) -> u64 {
    number(v, key).unwrap_or(0)
}

/// [`number`] when it fits a `u32`.
pub fn count(v: &Value, key: &str) -> Option<u32> {
    number(v, key).and_then(|n| u32::try_from(n).ok())
}

/// A field as a signed integer (floats truncated and clamped to `i64`).
pub fn int(v: &Value, key: &str) -> Option<i64> {
    let x = get(v, key)?;
    // `as` from f64 saturates (and maps NaN to 0): never a panic.
    x.as_i64().or_else(|| x.as_f64().map(|f| f as i64))
}

/// A boolean field; "true"/"false" strings count.
pub fn flag(v: &Value, key: &str) -> Option<bool> {
    match get(v, key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// [`flag`], false unless sent as true.
pub fn is_true(v: &Value, key: &str) -> bool {
    flag(v, key).unwrap_or(false)
}

/// A list field (anything else reads as empty).
pub fn list(v: &Value, key: &str) -> Vec<Value> {
    get(v, key).and_then(Value::as_array).cloned().unwrap_or_default()
}

/// The non-empty strings of a list field (other items are skipped).
pub fn strings(v: &Value, key: &str) -> Vec<String> {
    get(v, key).map(str_items).unwrap_or_default()
}

/// The non-empty strings of a list (other items are skipped; not a list: empty).
pub fn str_items(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Any JSON field as it is (`Null` when missing).
pub fn any(v: &Value, key: &str) -> Value {
    get(v, key).cloned().unwrap_or(Value::Null)
}

/// Any JSON field except `null`, as it is.
pub fn raw(v: &Value, key: &str) -> Option<Value> {
    get(v, key).filter(|x| !x.is_null()).cloned()
}

/// A JSON object field as it is; anything else (or missing) is `Null`.
pub fn object(v: &Value, key: &str) -> Value {
    get(v, key).filter(|x| x.is_object()).cloned().unwrap_or(Value::Null)
}

/// A list of objects read as rows: items that are not objects, and rows
/// missing a field their type cannot do without ([`FromJson::from_json_row`]),
/// are dropped, as [`crate::wire::Page`] drops them.
pub fn rows<T: FromJson>(v: &Value, key: &str) -> Vec<T> {
    get(v, key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter(|x| x.is_object()).filter_map(T::from_json_row).collect())
        .unwrap_or_default()
}

/// A nested object, read with its own [`FromJson`].
pub fn obj<T: FromJson>(v: &Value, key: &str) -> Option<T> {
    get(v, key).filter(|x| x.is_object()).map(T::from_json)
}

/// A list of objects (other items are skipped); `None` when not a list.
pub fn opt_objs<T: FromJson>(v: &Value, key: &str) -> Option<Vec<T>> {
    let items = get(v, key)?.as_array()?;
    Some(items.iter().filter(|x| x.is_object()).map(T::from_json).collect())
}

/// [`opt_objs`], or empty.
pub fn objs<T: FromJson>(v: &Value, key: &str) -> Vec<T> {
    opt_objs(v, key).unwrap_or_default()
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
        assert_eq!(raw(&v, "z"), None);
        assert_eq!(string(&v, "blank"), "");
        assert_eq!(verbatim(&v, "blank"), "  ");
        assert_eq!(number_or_zero(&v, "s"), 0);
        assert_eq!(count(&v, "big"), None);
        assert_eq!(strings(&json!({"l": ["a", "", 1, "b"]}), "l"), vec!["a", "b"]);
    }

    #[test]
    fn dotted_paths() {
        let v = json!({"m": {"n": 7, "s": {"t": "deep"}}, "a": [1], "x.y": 1});
        assert_eq!(number(&v, "m.n"), Some(7));
        assert_eq!(text(&v, "m.s.t").as_deref(), Some("deep"));
        assert_eq!(number(&v, "m.missing"), None);
        assert_eq!(number(&v, "a.0"), None);
        // A key holding a dot is not reachable (agno sends none).
        assert_eq!(number(&v, "x.y"), None);
    }
}
