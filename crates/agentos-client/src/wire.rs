//! Wire types declared once (bottom of the crate, beside [`crate::json`]).
//!
//! [`wire!`] takes ONE field list and emits the struct (with its `///` docs
//! and derives), its lenient [`FromJson`] reader and the list of wire keys it
//! reads ([`Wire::FIELDS`]). Each field names its reader and the key(s) it
//! passes to it:
//!
//! ```ignore
//! wire! {
//!     /// `GET /health`.
//!     #[derive(Debug, Clone, Default, PartialEq)]
//!     pub struct Health {
//!         pub status: String = string("status"),
//!         pub instantiated_at: Option<String> = text("instantiated_at") optional,
//!     }
//! }
//! ```
//!
//! - The reader is any `fn(&Value, key, …) -> T` in scope: the generic ones of
//!   [`crate::json`] (`text`, `string`, `number`, `count`, `flag`, `raw`, `any`,
//!   `strings`, `obj`, `objs`, …), or a module's own for an odd field (one
//!   that falls back to a second key, normalizes a time, reads the whole
//!   object). It is called as `reader(v, "key1", "key2", …)`; a key may be a
//!   dotted path into nested objects (`"token_metrics.input_tokens"`).
//! - `optional` after a field: agno only sends its key(s) sometimes (or it is
//!   a fallback for other versions). The fixture test then only checks that
//!   the key is known (recorded somewhere, or documented), not that the
//!   type's own sample has it.
//! - `required` after a field: its reader returns `Option<T>`; a row without
//!   it is dropped from lists ([`FromJson::from_json_row`], used by [`Page`]);
//!   read alone, the field takes its default. Both marks may be given
//!   (`required optional`); any other word is a compile error.
//!
//! `tests/wire_keys.rs` checks every declared key against the bodies recorded
//! from a real AgentOS (`tests/fixtures/`): a missing or mistyped key fails
//! a test instead of reading as absent.

use crate::json::{number, number_or_zero, obj, FromJson};
use serde_json::Value;

/// The wire keys one field reads, for the fixture test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireField {
    /// The Rust field.
    pub field: &'static str,
    /// The keys (dotted paths) passed to its reader.
    pub keys: &'static [&'static str],
    /// agno only sends them sometimes (see the module docs).
    pub optional: bool,
}

/// A type declared with [`wire!`]: the keys its reader reads.
pub trait Wire: FromJson {
    const FIELDS: &'static [WireField];
}

/// Declares a wire type: the struct, its [`FromJson`] reader and its
/// [`Wire::FIELDS`], from one field list (see the module docs).
macro_rules! wire {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $field:ident : $ty:ty = $reader:ident ( $($key:literal),* ) $($mark:ident)*
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $field: $ty, )*
        }

        impl $crate::json::FromJson for $name {
            fn from_json(v: &serde_json::Value) -> Self {
                Self::read_wire(v).0
            }
            fn from_json_row(v: &serde_json::Value) -> Option<Self> {
                let (row, complete) = Self::read_wire(v);
                complete.then_some(row)
            }
        }

        impl $name {
            /// The fields, and whether every `required` one was there.
            #[inline]
            fn read_wire(v: &serde_json::Value) -> (Self, bool) {
                #[allow(unused_mut)]
                let mut complete = true;
                let row = $name {
                    $( $field: $crate::wire::wire!(@read complete, v, $reader($($key),*) $($mark)*), )*
                };
                (row, complete)
            }
        }

        impl $crate::wire::Wire for $name {
            const FIELDS: &'static [$crate::wire::WireField] = &[
                $( $crate::wire::WireField {
                    field: stringify!($field),
                    keys: &[$($key),*],
                    optional: $crate::wire::wire!(@optional $($mark)*),
                }, )*
            ];
        }
    };

    (@read $complete:ident, $v:ident, $reader:ident($($key:literal),*) required $($mark:ident)*) => {{
        let x = $reader($v $(, $key)*);
        $complete &= x.is_some();
        x.unwrap_or_default()
    }};
    (@read $complete:ident, $v:ident, $reader:ident($($key:literal),*) optional $($mark:ident)*) => {
        $crate::wire::wire!(@read $complete, $v, $reader($($key),*) $($mark)*)
    };
    (@read $complete:ident, $v:ident, $reader:ident($($key:literal),*)) => {
        $reader($v $(, $key)*)
    };
    (@optional optional $($mark:ident)*) => { true };
    (@optional required $($mark:ident)*) => { $crate::wire::wire!(@optional $($mark)*) };
    (@optional) => { false };
}
pub(crate) use wire;

wire! {
    /// The `meta` of a paginated list (a missing page reads as 1, other counts as 0).
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    pub struct PageMeta {
        pub page: u64 = page_number("page"),
        pub limit: u64 = number_or_zero("limit"),
        pub total_pages: u64 = number_or_zero("total_pages"),
        pub total_count: u64 = number_or_zero("total_count"),
    }
}

fn page_number(v: &Value, key: &str) -> u64 {
    number(v, key).unwrap_or(1).max(1)
}

/// A page of a paginated list: AgentOS's `{data: [...], meta: {...}}`.
/// Rows missing a `required` field are dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub meta: PageMeta,
}

impl<T> Page<T> {
    /// `(items, meta)`.
    pub fn into_parts(self) -> (Vec<T>, PageMeta) {
        (self.items, self.meta)
    }
}

impl<T: FromJson> FromJson for Page<T> {
    fn from_json(v: &Value) -> Self {
        let items = v
            .get("data")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(T::from_json_row).collect())
            .unwrap_or_default();
        Page { items, meta: obj(v, "meta").unwrap_or_else(|| PageMeta::from_json(&Value::Null)) }
    }
}

impl<T: FromJson> Wire for Page<T> {
    const FIELDS: &'static [WireField] = &[
        WireField { field: "items", keys: &["data"], optional: false },
        WireField { field: "meta", keys: &["meta"], optional: false },
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{text, verbatim};
    use serde_json::json;

    wire! {
        /// A test row.
        #[derive(Debug, Default, PartialEq)]
        struct Row {
            id: String = text("id") required,
            note: String = verbatim("n.note") optional,
        }
    }

    #[test]
    fn one_field_list_gives_struct_reader_and_keys() {
        assert_eq!(Row::from_json(&json!({"id": 7, "n": {"note": " x "}})), Row { id: "7".into(), note: " x ".into() });
        assert_eq!(Row::from_json(&json!("not an object")), Row::default());
        assert_eq!(Row::from_json_row(&json!({"note": "no id"})), None);
        assert_eq!(
            Row::FIELDS,
            &[
                WireField { field: "id", keys: &["id"], optional: false },
                WireField { field: "note", keys: &["n.note"], optional: true },
            ]
        );
    }

    #[test]
    fn page_reads_the_envelope() {
        let p = Page::<Row>::from_json(&json!({
            "data": [{"id": "a"}, {"x": 1}, "junk", {"id": "b"}],
            "meta": {"page": 0, "limit": "20", "total_pages": 3, "total_count": 41}
        }));
        assert_eq!(p.items.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(p.meta, PageMeta { page: 1, limit: 20, total_pages: 3, total_count: 41 });
        let empty = Page::<Row>::from_json(&json!({"data": {}, "meta": []}));
        assert_eq!(empty, Page { items: vec![], meta: PageMeta { page: 1, ..Default::default() } });
    }
}
