//! Calendar arithmetic and the text forms of PyFlink's temporal and decimal types.
//!
//! SQL_TIMESTAMP travels as milliseconds since 1970-01-01T00:00 (naive, as java.sql.Timestamp built
//! from a Python datetime: microseconds are cut to milliseconds), SQL_DATE as days since the epoch,
//! SQL_TIME as milliseconds of the day, INSTANT as (seconds, nanoseconds), BIG_DEC as its decimal text
//! (Python's `str(Decimal)` and Java's `BigDecimal.toString` agree on when to use exponents).

use std::fmt::Write as _;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A timestamp's date and time of day: (days, millis of day).
pub fn split_millis(millis: i64) -> (i64, i64) {
    (millis.div_euclid(86_400_000), millis.rem_euclid(86_400_000))
}

pub fn write_date(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let _ = write!(out, "{y:04}-{m:02}-{d:02}");
}

fn hms(millis_of_day: i64) -> (i64, i64, i64, i64) {
    (millis_of_day / 3_600_000, millis_of_day / 60_000 % 60, millis_of_day / 1000 % 60, millis_of_day % 1000)
}

/// `java.sql.Timestamp.toString`: `2021-05-20 10:30:15.123`, `.0` when whole seconds.
pub fn write_java_timestamp(out: &mut String, millis: i64) {
    let (days, ms) = split_millis(millis);
    write_date(out, days);
    let (h, m, s, frac) = hms(ms);
    let _ = write!(out, " {h:02}:{m:02}:{s:02}.");
    if frac == 0 {
        out.push('0');
    } else {
        let digits = format!("{:09}", frac * 1_000_000);
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// `java.sql.Time.toString`: `10:30:15` (fractions dropped).
pub fn write_java_time(out: &mut String, millis_of_day: i64) {
    let (h, m, s, _) = hms(millis_of_day);
    let _ = write!(out, "{h:02}:{m:02}:{s:02}");
}

/// `java.time.Instant.toString`: `2021-05-20T08:40:00.005Z`, fractions in groups of three digits.
pub fn write_java_instant(out: &mut String, seconds: i64, nanos: u32) {
    let (days, secs) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    write_date(out, days);
    let _ = write!(out, "T{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    if nanos > 0 {
        let digits = format!("{nanos:09}");
        let len = if nanos % 1_000_000 == 0 { 3 } else if nanos % 1000 == 0 { 6 } else { 9 };
        out.push('.');
        out.push_str(&digits[..len]);
    }
    out.push('Z');
}

fn python_clock(out: &mut String, h: i64, m: i64, s: i64, micros: i64) {
    let _ = write!(out, "{h:02}:{m:02}:{s:02}");
    if micros != 0 {
        let _ = write!(out, ".{micros:06}");
    }
}

/// Python's `str(datetime)`: `2021-05-20 10:30:15.123000`.
pub fn write_python_datetime(out: &mut String, millis: i64) {
    let (days, ms) = split_millis(millis);
    write_date(out, days);
    out.push(' ');
    let (h, m, s, frac) = hms(ms);
    python_clock(out, h, m, s, frac * 1000);
}

/// Python's `str(time)`: `00:00:01.500000`.
pub fn write_python_time(out: &mut String, millis_of_day: i64) {
    let (h, m, s, frac) = hms(millis_of_day);
    python_clock(out, h, m, s, frac * 1000);
}

/// Python's `repr` of a datetime: `datetime.datetime(2024, 2, 29, 0, 0)` (trailing zeros omitted).
pub fn write_python_datetime_repr(out: &mut String, millis: i64) {
    let (days, ms) = split_millis(millis);
    let (y, mo, d) = civil_from_days(days);
    let (h, m, s, frac) = hms(ms);
    let _ = write!(out, "datetime.datetime({y}, {mo}, {d}, {h}, {m}");
    if s != 0 || frac != 0 {
        let _ = write!(out, ", {s}");
    }
    if frac != 0 {
        let _ = write!(out, ", {}", frac * 1000);
    }
    out.push(')');
}

pub fn write_python_date_repr(out: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    let _ = write!(out, "datetime.date({y}, {m}, {d})");
}

pub fn write_python_time_repr(out: &mut String, millis_of_day: i64) {
    let (h, m, s, frac) = hms(millis_of_day);
    let _ = write!(out, "datetime.time({h}, {m}");
    if s != 0 || frac != 0 {
        let _ = write!(out, ", {s}");
    }
    if frac != 0 {
        let _ = write!(out, ", {}", frac * 1000);
    }
    out.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trips() {
        for days in [-719_468, -1, 0, 1, 11_016, 19_782, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
    }

    #[test]
    fn text_forms_match_pyflink() {
        // Observed from PyFlink 2.3 (examples/ds_types).
        let ts = (days_from_civil(2021, 5, 20) * 86_400 + 10 * 3600 + 30 * 60 + 15) * 1000 + 123;
        let mut out = String::new();
        write_java_timestamp(&mut out, ts);
        out.push('|');
        write_python_datetime(&mut out, ts);
        out.push('|');
        write_java_timestamp(&mut out, days_from_civil(1999, 12, 31) * 86_400_000 + (23 * 60 + 59) * 60_000);
        out.push('|');
        write_java_instant(&mut out, 1_621_500_000, 5_000_000);
        out.push('|');
        write_java_instant(&mut out, 0, 0);
        out.push('|');
        write_python_time(&mut out, 1500);
        out.push('|');
        write_python_datetime_repr(&mut out, days_from_civil(2024, 2, 29) * 86_400_000);
        assert_eq!(
            out,
            "2021-05-20 10:30:15.123|2021-05-20 10:30:15.123000|1999-12-31 23:59:00.0|\
             2021-05-20T08:40:00.005Z|1970-01-01T00:00:00Z|00:00:01.500000|datetime.datetime(2024, 2, 29, 0, 0)"
        );
    }
}
