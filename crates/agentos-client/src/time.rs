//! The one place for calendar arithmetic and for formatting measured
//! quantities for people: timestamps, dates, durations and byte sizes.
//!
//! Everything here reads server text, so every function is total: any
//! string (non-ASCII, truncated, huge numbers) gives a value or `None`,
//! never a panic. Strings are only sliced at positions checked to follow
//! ASCII bytes; arithmetic on server numbers saturates.
//!
//! - timestamps as sent (ISO strings with or without `Z`, fractions or an
//!   offset, or epoch seconds/milliseconds) → [`timestamp`] normalizes to
//!   `YYYY-MM-DDTHH:MM:SSZ`, [`human_time`] shows "2026-11-23 08:21 UTC",
//!   [`parse_time_us`] gives microseconds;
//! - dates as day numbers (days since 1970-01-01, UTC): [`parse_day`],
//!   [`day_string`], [`days_from_civil`];
//! - durations as AgentOS writes them ("13.01s") → [`parse_duration_us`],
//!   and back for people with [`format_duration`];
//! - sizes: [`human_size`] ("1.5 KB").

use serde_json::Value;
use std::ops::Range;

// ---- calendar ---------------------------------------------------------------

/// Days since 1970-01-01 → (year, month, day) (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z.saturating_add(719_468);
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) → days since 1970-01-01 (proleptic Gregorian). Meant
/// for real dates (`parse_day` gives years 0..=9999).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Epoch seconds → `YYYY-MM-DDTHH:MM:SSZ` (any `i64`).
pub fn iso_from_epoch(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `YYYY-MM-DD` (anything after the 10th byte is ignored) → day number.
pub fn parse_day(s: &str) -> Option<i64> {
    let b = s.trim().as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(b, 0..4)?, digits(b, 5..7)?, digits(b, 8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Day number → `YYYY-MM-DD`.
pub fn day_string(day: i64) -> String {
    let mut s = iso_from_epoch(day.saturating_mul(86_400));
    if let Some(t) = s.find('T') {
        s.truncate(t);
    }
    s
}

/// The day (UTC) of epoch milliseconds.
pub fn day_from_epoch_ms(ms: f64) -> i64 {
    (ms / 86_400_000.0).floor() as i64
}

/// The number written by the ASCII digits `b[r]` (`None` if any is not one).
fn digits(b: &[u8], r: Range<usize>) -> Option<i64> {
    b.get(r)?.iter().try_fold(0i64, |acc, c| c.is_ascii_digit().then(|| acc * 10 + i64::from(c - b'0')))
}

// ---- timestamps -------------------------------------------------------------

/// An ISO date-time, checked: "YYYY-MM-DD", "HH:MM", ":SS" (or "" when
/// there are no seconds), and what follows the fraction (the zone).
struct IsoParts<'a> {
    date: &'a str,
    hm: &'a str,
    secs: &'a str,
    zone: &'a str,
}

fn iso_parts(s: &str) -> Option<IsoParts<'_>> {
    let b = s.as_bytes();
    let sep = |i: usize, c: &[u8]| b.get(i).is_some_and(|x| c.contains(x));
    let shaped = digits(b, 0..4).is_some()
        && sep(4, b"-")
        && digits(b, 5..7).is_some()
        && sep(7, b"-")
        && digits(b, 8..10).is_some()
        && sep(10, b"Tt ")
        && digits(b, 11..13).is_some()
        && sep(13, b":")
        && digits(b, 14..16).is_some();
    if !shaped {
        return None;
    }
    // Every byte before `i` is ASCII, so `i` is a char boundary.
    let mut i = 16;
    if sep(16, b":") && digits(b, 17..19).is_some() {
        i = 19;
    }
    let secs = s.get(16..i)?;
    if sep(i, b".") {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    Some(IsoParts { date: s.get(..10)?, hm: s.get(11..16)?, secs, zone: s.get(i..)? })
}

/// A zone as UTC "Z" when it is one, else as it is.
fn zone_text(z: &str) -> &str {
    match z {
        "" | "Z" | "z" | "+00:00" | "+0000" | "-00:00" => "Z",
        other => other,
    }
}

/// A field as a normalized timestamp ([`timestamp`]); a dotted key reads
/// into nested objects ([`crate::json::get`]).
pub fn timestamp_at(v: &Value, key: &str) -> Option<String> {
    crate::json::get(v, key).and_then(timestamp)
}

/// A timestamp as sent (ISO string or epoch number) → `YYYY-MM-DDTHH:MM:SSZ`.
/// Epoch values above 10¹¹ are taken as milliseconds. A string that is not
/// recognizable is kept as it is; offsets other than UTC are kept too.
pub fn timestamp(v: &Value) -> Option<String> {
    let epoch = |f: f64| {
        let secs = if f.abs() > 1e11 { f / 1000.0 } else { f };
        iso_from_epoch(secs as i64)
    };
    match v {
        Value::Number(n) => n.as_f64().map(epoch),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return s.parse::<f64>().ok().map(epoch);
            }
            Some(match iso_parts(s) {
                Some(p) => {
                    let secs = if p.secs.is_empty() { ":00" } else { p.secs };
                    format!("{}T{}{secs}{}", p.date, p.hm, zone_text(p.zone))
                }
                None => s.to_string(),
            })
        }
        _ => None,
    }
}

/// A timestamp for people: "2026-11-23 08:21 UTC" (another zone is shown
/// as sent: "2026-11-23 08:21 +02:00"). Takes normalized or raw ISO text;
/// anything else is shown as it is.
pub fn human_time(iso: &str) -> String {
    let iso = iso.trim();
    match iso_parts(iso) {
        Some(p) => {
            let zone = match zone_text(p.zone) {
                "Z" => "UTC",
                z => z,
            };
            format!("{} {} {zone}", p.date, p.hm).trim_end().to_string()
        }
        None => iso.to_string(),
    }
}

/// An ISO timestamp ("2026-11-23T08:21:54.685946Z", "+02:00" offsets too)
/// → microseconds since the epoch. Seconds are required.
pub fn parse_time_us(s: &str) -> Option<i64> {
    let s = s.trim();
    let p = iso_parts(s)?;
    if p.secs.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let day = parse_day(p.date)?;
    let (h, m, sec) = (digits(b, 11..13)?, digits(b, 14..16)?, digits(b, 17..19)?);
    let mut micros = 0i64;
    if b.get(19) == Some(&b'.') {
        let mut scale = 100_000i64;
        for c in b.iter().skip(20).take_while(|c| c.is_ascii_digit()) {
            micros += i64::from(c - b'0') * scale;
            scale /= 10;
        }
    }
    let offset = match p.zone {
        "" | "Z" | "z" => 0,
        z => {
            let zb = z.as_bytes();
            let sign = match zb.first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (zh, zm) = match zb.len() {
                6 if zb[3] == b':' => (digits(zb, 1..3)?, digits(zb, 4..6)?),
                5 => (digits(zb, 1..3)?, digits(zb, 3..5)?),
                _ => return None,
            };
            sign * (zh * 60 + zm) * 60
        }
    };
    // A year is at most 9999 here: no overflow.
    Some((day * 86_400 + h * 3_600 + m * 60 + sec - offset) * 1_000_000 + micros)
}

/// A `datetime-local` input value ("2026-11-23T08:21") → an ISO time in UTC
/// ("2026-11-23T08:21:00Z"); empty stays empty, anything else is kept.
pub fn input_to_iso(v: &str) -> String {
    let v = v.trim();
    match v.len() {
        16 if parse_time_us(&format!("{v}:00Z")).is_some() => format!("{v}:00Z"),
        19 if parse_time_us(v).is_some() => format!("{v}Z"),
        _ => v.to_string(),
    }
}

/// An ISO time → the value of a `datetime-local` input ("2026-11-23T08:21").
pub fn iso_to_input(v: &str) -> String {
    if parse_time_us(v).is_some() {
        v.trim().get(..16).unwrap_or(v).replace(' ', "T")
    } else {
        String::new()
    }
}

// ---- durations --------------------------------------------------------------

/// A duration as AgentOS writes it → microseconds. Accepts a number with a
/// unit (`ns`, `us`/`µs`, `ms`, `s`, `m`, `h`; no unit means ms), several
/// parts ("1m 2.5s"), and fractions of any length. `None` when unreadable;
/// huge values saturate at `u64::MAX`.
pub fn parse_duration_us(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let b = s.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    let mut parts = 0;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        // Number: whole part and up to 9 fraction digits (nanosecond-exact).
        let mut whole: u64 = 0;
        let mut digits = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            whole = whole.saturating_mul(10).saturating_add(u64::from(b[i] - b'0'));
            i += 1;
            digits += 1;
        }
        let mut frac: u64 = 0; // in 10⁻⁹
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let mut scale = 100_000_000u64;
            while i < b.len() && b[i].is_ascii_digit() {
                frac += u64::from(b[i] - b'0') * scale;
                scale /= 10;
                i += 1;
                digits += 1;
            }
        }
        if digits == 0 {
            return None;
        }
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_digit() && b[i] != b' ' {
            i += 1;
        }
        // Nanoseconds per unit. `start` and `i` both sit next to ASCII bytes
        // (or the ends), so `get` never fails on a boundary; still checked.
        let per: u64 = match s.get(start..i)? {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "" | "ms" => 1_000_000,
            "s" | "sec" | "secs" => 1_000_000_000,
            "m" | "min" | "mins" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let ns = whole.saturating_mul(per).saturating_add(frac.saturating_mul(per) / 1_000_000_000);
        total = total.saturating_add(ns / 1_000);
        parts += 1;
    }
    (parts > 0).then_some(total)
}

/// A duration string → whole milliseconds (rounded down).
pub fn parse_duration_ms(s: &str) -> Option<u64> {
    parse_duration_us(s).map(|us| us / 1_000)
}

/// Microseconds for people: "0.4 ms", "152 ms", "13.01 s", "2 min 5 s".
pub fn format_duration(us: u64) -> String {
    if us == 0 {
        return "0 ms".into();
    }
    if us < 1_000 {
        return format!("0.{} ms", (us / 100).max(1));
    }
    if us < 1_000_000 {
        let ms = us / 1_000;
        return if ms < 10 { format!("{ms}.{} ms", us % 1_000 / 100) } else { format!("{ms} ms") };
    }
    if us < 60_000_000 {
        let cs = us / 10_000;
        return format!("{}.{:02} s", cs / 100, cs % 100);
    }
    let s = us / 1_000_000;
    format!("{} min {} s", s / 60, s % 60)
}

// ---- sizes ------------------------------------------------------------------

/// Bytes for people: "265 B", "1.5 KB", "12 MB" (powers of 1024; one
/// decimal below 10). Any `u64`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut unit = 0;
    let mut div: u64 = 1;
    while unit + 1 < UNITS.len() && bytes / 1024 >= div {
        div *= 1024;
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes} B");
    }
    // Tenths, rounded: (bytes * 10 + div / 2) / div without overflow
    // (the remainder is below div ≤ 2⁴⁰).
    let tenths = bytes / div * 10 + (bytes % div * 10 + div / 2) / div;
    if tenths < 100 {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    } else {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_roundtrip() {
        for day in [-1000, 0, 59, 60, 365, 11_016, 20_780, 20_781] {
            assert_eq!(parse_day(&day_string(day)), Some(day), "{day}");
        }
        assert_eq!(parse_day("2026-11-23T00:00:00Z"), Some(20_780));
        assert_eq!(day_string(20_780), "2026-11-23");
    }

    #[test]
    fn non_ascii_at_every_cut_is_text() {
        // A multi-byte character where the old code sliced (10, 16, 19).
        for s in ["2026-11-23é08:21:54Z", "2026-11-23T08:21é54Z", "2026-11-23T08:21:5é", "2026-11-23T08:2€", "2026-11-23T08:21:54€"] {
            let _ = human_time(s);
            let _ = timestamp(&Value::String(s.into()));
            let _ = parse_time_us(s);
            let _ = iso_to_input(s);
            let _ = input_to_iso(s);
        }
        assert_eq!(human_time("2026-11-23T08:21:54€"), "2026-11-23 08:21 €");
        assert_eq!(parse_time_us("2026-11-23T08:21:54€"), None);
        assert_eq!(parse_time_us("1970-01-01T00:00:00+ab:cd"), None);
        assert_eq!(parse_time_us("1970-01-01T01:00:00+0100"), Some(0));
    }

    #[test]
    fn human_time_reads_raw_and_normalized() {
        assert_eq!(human_time("2026-11-23T08:21:54Z"), "2026-11-23 08:21 UTC");
        assert_eq!(human_time("2026-11-23T08:21:54.123456"), "2026-11-23 08:21 UTC");
        assert_eq!(human_time("2026-11-23 08:21:54+02:00"), "2026-11-23 08:21 +02:00");
        assert_eq!(human_time("soon"), "soon");
    }

    #[test]
    fn huge_numbers() {
        assert_eq!(human_size(u64::MAX), "16777216 TB");
        assert!(day_string(i64::MAX).len() > 10);
        let _ = timestamp(&serde_json::json!(1e300));
        let _ = timestamp(&serde_json::json!(-1e300));
        assert_eq!(parse_duration_us("99999999999999999999999h"), Some(u64::MAX / 1000));
    }
}
