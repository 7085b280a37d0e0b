//! Flink's built-in time functions beyond EXTRACT / DATE_FORMAT / TO_TIMESTAMP ([`super::datetime`]),
//! as generated expression code calls them: FROM_UNIXTIME, UNIX_TIMESTAMP, TIMESTAMPADD,
//! TIMESTAMPDIFF and the current time (CURRENT_TIMESTAMP, NOW, LOCALTIMESTAMP, CURRENT_DATE,
//! CURRENT_TIME). Epoch seconds are read and written in the session time zone
//! (`table.local-time-zone`, [`super::time_zone`]), as Flink does.

use std::sync::Arc;

use super::datetime;
use super::time_zone;
use crate::temporal::{civil_from_days, days_from_civil, split_millis};

const DAY_MS: i64 = 86_400_000;
const DEFAULT_FORMAT: &str = "yyyy-MM-dd HH:mm:ss";

/// A unit of TIMESTAMPADD / TIMESTAMPDIFF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    /// The unit's length in milliseconds, for the fixed-length units.
    fn millis(self) -> Option<i64> {
        Some(match self {
            Unit::Millisecond => 1,
            Unit::Second => 1_000,
            Unit::Minute => 60_000,
            Unit::Hour => 3_600_000,
            Unit::Day => DAY_MS,
            Unit::Week => 7 * DAY_MS,
            Unit::Month | Unit::Quarter | Unit::Year => return None,
        })
    }

    fn months(self) -> i64 {
        match self {
            Unit::Quarter => 3,
            Unit::Year => 12,
            _ => 1,
        }
    }
}

/// The current instant, in milliseconds since the epoch.
pub fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// CURRENT_TIMESTAMP / NOW(): the current instant (a TIMESTAMP_LTZ(3)).
pub fn current_timestamp() -> Option<i64> {
    Some(now_millis())
}

/// LOCALTIMESTAMP: the current wall-clock time of the session zone (a TIMESTAMP(3)).
pub fn local_timestamp() -> Option<i64> {
    Some(time_zone::to_local(now_millis()))
}

/// CURRENT_DATE: today in the session zone, as days since the epoch.
pub fn current_date() -> Option<i64> {
    Some(split_millis(time_zone::to_local(now_millis())).0)
}

/// CURRENT_TIME / LOCALTIME: the time of day in the session zone, in milliseconds.
pub fn current_time() -> Option<i64> {
    Some(split_millis(time_zone::to_local(now_millis())).1)
}

/// FROM_UNIXTIME(seconds[, format]): the instant as wall-clock text of the session zone.
pub fn from_unixtime(seconds: Option<i64>, format: Option<Arc<str>>) -> Option<Arc<str>> {
    let seconds = seconds?;
    let local = time_zone::to_local(seconds.saturating_mul(1000));
    Some(datetime::date_format(local, format.as_deref().unwrap_or(DEFAULT_FORMAT)))
}

/// UNIX_TIMESTAMP(): the current epoch second.
pub fn unix_timestamp_now() -> Option<i64> {
    Some(now_millis().div_euclid(1000))
}

/// UNIX_TIMESTAMP(text[, format]): the epoch second of a wall-clock time of the session zone;
/// `i64::MIN` (Java's `Long.MIN_VALUE`) when the text does not parse, as Flink returns.
pub fn unix_timestamp(text: Option<Arc<str>>, format: Option<Arc<str>>) -> Option<i64> {
    let text = text?;
    let format = format.as_deref().unwrap_or(DEFAULT_FORMAT);
    Some(match datetime::parse_timestamp_prefix(&text, format) {
        Some(local) => time_zone::to_instant(local).div_euclid(1000),
        None => i64::MIN,
    })
}

/// `millis` moved by `months` calendar months, the day of month clamped to the month's last day.
fn add_months(millis: i64, months: i64) -> i64 {
    let (days, time) = split_millis(millis);
    let (y, m, d) = civil_from_days(days);
    let total = y * 12 + i64::from(m) - 1 + months;
    let (year, month) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    let last = days_in_month(year, month);
    days_from_civil(year, month, d.min(last)) * DAY_MS + time
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let next = if month == 12 { days_from_civil(year + 1, 1, 1) } else { days_from_civil(year, month + 1, 1) };
    (next - days_from_civil(year, month, 1)) as u32
}

/// TIMESTAMPADD(unit, n, timestamp).
pub fn timestamp_add(unit: Unit, n: Option<i64>, millis: Option<i64>) -> Option<i64> {
    let (n, millis) = (n?, millis?);
    match unit.millis() {
        Some(length) => Some(millis.saturating_add(n.saturating_mul(length))),
        None => Some(add_months(millis, n.saturating_mul(unit.months()))),
    }
}

/// TIMESTAMPDIFF(unit, from, to): whole units from `from` to `to`, truncated toward zero; months as
/// Calcite's `subtractMonths` counts them (calendar months added with the day clamped to the month's
/// end, less one when the time of day is not yet reached).
pub fn timestamp_diff(unit: Unit, from: Option<i64>, to: Option<i64>) -> Option<i64> {
    let (from, to) = (from?, to?);
    if let Some(length) = unit.millis() {
        return Some((to - from) / length);
    }
    let ((d0, millis0), (d1, millis1)) = (split_millis(to), split_millis(from));
    let mut months = subtract_months(d0, d1);
    if add_months(d1 * DAY_MS, months) / DAY_MS == d0 && millis0 < millis1 {
        months -= 1;
    }
    Some(months / unit.months())
}

/// Calcite's `subtractMonths(date0, date1)` of two dates (days): the most months `m` with
/// `date1 + m months <= date0`.
fn subtract_months(d0: i64, d1: i64) -> i64 {
    if d0 < d1 {
        return -subtract_months(d1, d0);
    }
    let add = |m: i64| add_months(d1 * DAY_MS, m).div_euclid(DAY_MS);
    let mut m = (d0 - d1) / 31;
    loop {
        if add(m) >= d0 || add(m + 1) > d0 {
            return m;
        }
        m += 1;
    }
}

/// FLOOR(ts TO unit) / CEIL(ts TO unit): the unit's boundary at or before (after) `millis`.
pub fn round_time(unit: Unit, millis: i64, ceil: bool) -> i64 {
    let floor = match unit.millis() {
        Some(length) => millis - millis.rem_euclid(length),
        None => {
            let (days, _) = split_millis(millis);
            let (y, m, _) = civil_from_days(days);
            let month = match unit {
                Unit::Year => 1,
                Unit::Quarter => (m - 1) / 3 * 3 + 1,
                _ => m,
            };
            days_from_civil(y, month, 1) * DAY_MS
        }
    };
    if ceil && floor != millis {
        match unit.millis() {
            Some(length) => floor + length,
            None => add_months(floor, unit.months()),
        }
    } else {
        floor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> i64 {
        datetime::parse_timestamp(text).expect("timestamp")
    }

    #[test]
    fn adds_calendar_months_clamping_the_day() {
        assert_eq!(timestamp_add(Unit::Month, Some(1), Some(ts("2024-01-31 10:00:00"))), Some(ts("2024-02-29 10:00:00")));
        assert_eq!(timestamp_add(Unit::Year, Some(-1), Some(ts("2024-02-29 00:00:00"))), Some(ts("2023-02-28 00:00:00")));
        assert_eq!(timestamp_add(Unit::Day, Some(2), Some(ts("2024-12-31 00:00:00"))), Some(ts("2025-01-02 00:00:00")));
    }

    #[test]
    fn rounds_to_unit_boundaries() {
        let t = ts("2024-05-17 13:45:10");
        assert_eq!(round_time(Unit::Hour, t, false), ts("2024-05-17 13:00:00"));
        assert_eq!(round_time(Unit::Hour, t, true), ts("2024-05-17 14:00:00"));
        assert_eq!(round_time(Unit::Month, t, false), ts("2024-05-01 00:00:00"));
        assert_eq!(round_time(Unit::Quarter, t, true), ts("2024-07-01 00:00:00"));
        assert_eq!(round_time(Unit::Year, ts("2024-01-01 00:00:00"), true), ts("2024-01-01 00:00:00"));
    }

    #[test]
    fn differences_truncate_toward_zero() {
        let (a, b) = (ts("2024-01-31 10:00:00"), ts("2024-02-29 09:00:00"));
        assert_eq!(timestamp_diff(Unit::Month, Some(a), Some(b)), Some(0));
        let (c, d) = (ts("2023-11-30 12:00:00"), ts("2024-02-29 23:59:59"));
        assert_eq!(timestamp_diff(Unit::Month, Some(c), Some(d)), Some(3));
        assert_eq!(timestamp_diff(Unit::Day, Some(a), Some(b)), Some(28));
        assert_eq!(timestamp_diff(Unit::Day, Some(b), Some(a)), Some(-28));
        assert_eq!(timestamp_diff(Unit::Year, Some(ts("2020-03-01 00:00:00")), Some(a)), Some(3));
    }
}
