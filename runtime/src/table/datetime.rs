//! DATE, TIME and TIMESTAMP in Table/SQL expressions: parsing (Flink's CSV format and CAST from
//! STRING), the text forms (CAST to STRING, the boxed print; `LocalDateTime.toString` for the print
//! connector), EXTRACT, DATE_FORMAT and TO_TIMESTAMP.
//!
//! In generated code a TIMESTAMP is its milliseconds since 1970-01-01T00:00 (naive), a DATE its days
//! since the epoch, a TIME its milliseconds of the day, all `Option<i64>` (`None` is NULL); in rows they
//! are `Value::Timestamp`, `Value::Date`, `Value::Time`.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::temporal::{civil_from_days, days_from_civil, split_millis, write_date};
use crate::value::Value;

const DAY_MS: i64 = 86_400_000;

pub fn from_ts(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Timestamp)
}

/// A TIMESTAMP_LTZ's milliseconds since the epoch as a `Value::Instant`.
pub fn from_instant(v: Option<i64>) -> Value {
    v.map_or(Value::Null, |ms| Value::Instant(ms.div_euclid(1000), (ms.rem_euclid(1000) * 1_000_000) as u32))
}

/// Flink's csv and json text of a TIMESTAMP_LTZ: `yyyy-MM-dd HH:mm:ss[.SSS]Z` (UTC; the `Z` is
/// required).
pub fn parse_instant_text(s: &str) -> Option<i64> {
    let s = s.trim().strip_suffix('Z')?;
    if s.contains('T') {
        return None;
    }
    parse_timestamp(s)
}

pub fn from_date(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Date)
}

pub fn from_time(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::Time)
}

fn number(s: &str, min: usize, max: usize) -> Option<i64> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `yyyy-MM-dd` (one-digit months and days accepted, as Flink's `DateTimeUtils.parseDate`).
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let year = number(parts.next()?, 1, 4)?;
    let month = number(parts.next()?, 1, 2)?;
    let day = number(parts.next()?, 1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month as u32) {
        return None;
    }
    Some(days_from_civil(year, month as u32, day as u32))
}

fn days_in_month(year: i64, month: u32) -> i64 {
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    next - days_from_civil(year, month, 1)
}

/// `HH:mm[:ss[.fraction]]`: milliseconds of the day (fractions past milliseconds are cut).
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let (clock, fraction) = match s.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (s, None),
    };
    let mut parts = clock.splitn(3, ':');
    let h = number(parts.next()?, 1, 2)?;
    let m = number(parts.next()?, 1, 2)?;
    let sec = match parts.next() {
        Some(p) => number(p, 1, 2)?,
        None if fraction.is_none() => 0,
        None => return None,
    };
    if h > 23 || m > 59 || sec > 59 {
        return None;
    }
    let millis = match fraction {
        Some(f) if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{f:0<3}")[..3].parse::<i64>().ok()?
        }
        Some(_) => return None,
        None => 0,
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + millis)
}

/// `yyyy-MM-dd HH:mm:ss[.SSS]` (or `T` between date and time; a date alone is its midnight).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    let (date, time) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let days = parse_date(date)?;
    let millis = match time {
        Some(t) => parse_time(t)?,
        None => 0,
    };
    Some(days * DAY_MS + millis)
}

fn write_clock(out: &mut String, millis_of_day: i64) {
    let (h, m, s) = (
        millis_of_day / 3_600_000,
        millis_of_day / 60_000 % 60,
        millis_of_day / 1000 % 60,
    );
    let _ = write!(out, "{h:02}:{m:02}:{s:02}");
}

fn write_fraction(out: &mut String, millis: i64, precision: u32) {
    if precision > 0 {
        let digits = format!(
            "{:03}{}",
            millis % 1000,
            "0".repeat(precision.saturating_sub(3) as usize)
        );
        out.push('.');
        out.push_str(&digits[..precision as usize]);
    }
}

/// CAST(date AS STRING): `2024-01-15`.
pub fn date_to_str(days: i64) -> Arc<str> {
    let mut out = String::with_capacity(10);
    write_date(&mut out, days);
    Arc::from(out)
}

/// CAST(time AS STRING) for TIME(p): `08:30:00`.
pub fn time_to_str(millis_of_day: i64, precision: u32) -> Arc<str> {
    let mut out = String::with_capacity(12);
    write_clock(&mut out, millis_of_day);
    write_fraction(&mut out, millis_of_day, precision);
    Arc::from(out)
}

/// CAST(ts AS STRING) for TIMESTAMP(p): `2024-01-15 08:30:00.000` (exactly `p` fraction digits).
pub fn ts_to_str(millis: i64, precision: u32) -> Arc<str> {
    let (days, ms) = split_millis(millis);
    let mut out = String::with_capacity(24);
    write_date(&mut out, days);
    out.push(' ');
    write_clock(&mut out, ms);
    write_fraction(&mut out, ms, precision);
    Arc::from(out)
}

/// `LocalTime.toString`: `08:30`, `23:59:59`, `00:00:01.500` (seconds only when not zero with no
/// fraction; fractions in groups of three digits).
fn write_local_time(out: &mut String, ms: i64) {
    let (h, m, s, frac) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    let _ = write!(out, "{h:02}:{m:02}");
    if s != 0 || frac != 0 {
        let _ = write!(out, ":{s:02}");
        if frac != 0 {
            let _ = write!(out, ".{frac:03}");
        }
    }
}

/// The print connector's TIME: `LocalTime.toString`.
pub fn time_to_java(millis_of_day: i64) -> Arc<str> {
    let mut out = String::with_capacity(12);
    write_local_time(&mut out, millis_of_day);
    Arc::from(out)
}

/// The print connector's TIMESTAMP: `LocalDateTime.toString`, `2024-01-15T08:30`.
pub fn ts_to_java(millis: i64) -> Arc<str> {
    let (days, ms) = split_millis(millis);
    let mut out = String::with_capacity(24);
    write_date(&mut out, days);
    out.push('T');
    write_local_time(&mut out, ms);
    Arc::from(out)
}

/// A unit of EXTRACT (and YEAR(), HOUR(), ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    DayOfWeek,
    DayOfYear,
    Hour,
    Minute,
    Second,
    Millisecond,
}

/// EXTRACT(unit FROM ts) of a timestamp's milliseconds (a DATE is its midnight, a TIME is on day 0).
pub fn extract(unit: Unit, millis: i64) -> i64 {
    let (days, ms) = split_millis(millis);
    let (y, m, d) = civil_from_days(days);
    match unit {
        Unit::Year => y,
        Unit::Quarter => (i64::from(m) + 2) / 3,
        Unit::Month => i64::from(m),
        Unit::Day => i64::from(d),
        // Sunday is 1 (1970-01-01 was a Thursday).
        Unit::DayOfWeek => (days + 4).rem_euclid(7) + 1,
        Unit::DayOfYear => days - days_from_civil(y, 1, 1) + 1,
        Unit::Week => {
            // ISO week of the year.
            let weekday = (days + 3).rem_euclid(7); // Monday is 0
            let thursday = days - weekday + 3;
            let (ty, _, _) = civil_from_days(thursday);
            (thursday - days_from_civil(ty, 1, 1)) / 7 + 1
        }
        Unit::Hour => ms / 3_600_000,
        Unit::Minute => ms / 60_000 % 60,
        Unit::Second => ms / 1000 % 60,
        Unit::Millisecond => ms % 1000,
    }
}

/// One piece of a `SimpleDateFormat` pattern: a letter repeated `n` times, or literal text.
enum Piece {
    Field(char, usize),
    Text(String),
}

fn pattern(fmt: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let mut text = String::new();
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                text.push(chars[i]);
                i += 1;
            }
            if text.is_empty() {
                text.push('\'');
            }
            pieces.push(Piece::Text(text));
            i += 1;
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i] == c {
                i += 1;
            }
            pieces.push(Piece::Field(c, i - start));
        } else {
            pieces.push(Piece::Text(c.to_string()));
            i += 1;
        }
    }
    pieces
}

/// DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss'): the timestamp in a `SimpleDateFormat` pattern (letters
/// y M d H h m s S a E D; others are kept as text).
pub fn date_format(millis: i64, fmt: &str) -> Arc<str> {
    let (days, ms) = split_millis(millis);
    let (y, mo, d) = civil_from_days(days);
    let mut out = String::with_capacity(fmt.len() + 8);
    for piece in pattern(fmt) {
        match piece {
            Piece::Text(t) => out.push_str(&t),
            Piece::Field(c, n) => {
                let value = match c {
                    'y' if n == 2 => y.rem_euclid(100),
                    'y' => y,
                    'M' if n >= 3 => {
                        const NAMES: [&str; 12] = [
                            "January",
                            "February",
                            "March",
                            "April",
                            "May",
                            "June",
                            "July",
                            "August",
                            "September",
                            "October",
                            "November",
                            "December",
                        ];
                        let name = NAMES[(mo - 1) as usize];
                        out.push_str(if n == 3 { &name[..3] } else { name });
                        continue;
                    }
                    'M' => i64::from(mo),
                    'd' => i64::from(d),
                    'D' => extract(Unit::DayOfYear, millis),
                    'H' => ms / 3_600_000,
                    'h' => (ms / 3_600_000 + 11) % 12 + 1,
                    'm' => ms / 60_000 % 60,
                    's' => ms / 1000 % 60,
                    'S' => ms % 1000,
                    'a' => {
                        out.push_str(if ms < 43_200_000 { "AM" } else { "PM" });
                        continue;
                    }
                    'E' => {
                        const DAYS: [&str; 7] = [
                            "Sunday",
                            "Monday",
                            "Tuesday",
                            "Wednesday",
                            "Thursday",
                            "Friday",
                            "Saturday",
                        ];
                        let name = DAYS[(extract(Unit::DayOfWeek, millis) - 1) as usize];
                        out.push_str(if n <= 3 { &name[..3] } else { name });
                        continue;
                    }
                    other => {
                        out.extend(std::iter::repeat_n(other, n));
                        continue;
                    }
                };
                let _ = write!(out, "{value:0n$}");
            }
        }
    }
    Arc::from(out)
}

/// TO_TIMESTAMP(text[, pattern]): the default pattern is `yyyy-MM-dd HH:mm:ss` (read leniently, as
/// the CSV format reads timestamps); NULL when the text does not match.
pub fn to_timestamp(text: &str, fmt: Option<&str>) -> Option<i64> {
    let Some(fmt) = fmt else {
        return parse_timestamp(text);
    };
    parse_pattern(text, fmt, true)
}

/// A wall-clock time read with a `SimpleDateFormat` pattern from the start of `text`, ignoring what
/// follows it, as `SimpleDateFormat.parse` does (UNIX_TIMESTAMP reads text this way).
pub fn parse_timestamp_prefix(text: &str, fmt: &str) -> Option<i64> {
    parse_pattern(text, fmt, false)
}

fn parse_pattern(text: &str, fmt: &str, whole: bool) -> Option<i64> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut ms) = (1970, 1, 1, 0, 0, 0, 0);
    let mut rest = text.trim();
    for piece in pattern(fmt) {
        match piece {
            Piece::Text(t) => rest = rest.strip_prefix(t.as_str())?,
            Piece::Field(c, n) => {
                let max = if c == 'y' && n != 2 { 4 } else { n.max(2) };
                let len = rest
                    .bytes()
                    .take(max)
                    .take_while(u8::is_ascii_digit)
                    .count();
                let value: i64 = rest[..len].parse().ok()?;
                rest = &rest[len..];
                match c {
                    'y' => y = value,
                    'M' => mo = value,
                    'd' => d = value,
                    'H' => h = value,
                    'm' => mi = value,
                    's' => s = value,
                    'S' => ms = value,
                    _ => return None,
                }
            }
        }
    }
    if (whole && !rest.is_empty())
        || !(1..=12).contains(&mo)
        || d < 1
        || d > days_in_month(y, mo as u32)
        || h > 23
        || mi > 59
        || s > 59
    {
        return None;
    }
    Some(days_from_civil(y, mo as u32, d as u32) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        let ts = parse_timestamp("2023-12-31 00:00:01.5").unwrap();
        assert_eq!(&*ts_to_str(ts, 3), "2023-12-31 00:00:01.500");
        assert_eq!(&*ts_to_java(ts), "2023-12-31T00:00:01.500");
        assert_eq!(
            &*ts_to_java(parse_timestamp("2024-01-15 08:30:00").unwrap()),
            "2024-01-15T08:30"
        );
        assert_eq!(&*time_to_java(parse_time("23:59:59").unwrap()), "23:59:59");
        assert_eq!(
            &*date_to_str(parse_date("2024-02-29").unwrap()),
            "2024-02-29"
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(&*date_format(ts, "yyyy/MM/dd HH:mm"), "2023/12/31 00:00");
        assert_eq!(
            to_timestamp("31.12.2023 00:00", Some("dd.MM.yyyy HH:mm")),
            Some(ts - 1500)
        );
        assert_eq!(extract(Unit::DayOfWeek, 0), 5);
        assert_eq!(
            extract(Unit::Week, parse_timestamp("2024-01-01").unwrap()),
            1
        );
    }
}
