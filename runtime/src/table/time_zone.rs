//! The session time zone (`table.local-time-zone`; UTC unless the job sets it) and the TIMESTAMP_LTZ
//! conversions that depend on it: an LTZ value is an instant (milliseconds since the epoch, UTC; a
//! `Value::Instant` in rows) shown, cast to TIMESTAMP/STRING/DATE/TIME and compared with TIMESTAMPs
//! as its wall-clock time in this zone, as Flink does.
//!
//! Fixed offsets (`UTC`, `GMT+08:00`, `+05:30`) are computed here; region zones (`Europe/Berlin`)
//! ask Python's `zoneinfo` (the same IANA rules Java uses) once per quarter hour of time and cache
//! the answer: zone transitions fall on quarter hours.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use pyo3::prelude::*;

use crate::error::{JobError, Result};

const QUARTER_MS: i64 = 900_000;

enum Zone {
    Fixed(i64),
    Region {
        name: String,
        /// (from local time, quarter hour) -> offset in ms.
        offsets: Mutex<HashMap<(bool, i64), i64>>,
    },
}

static ZONE: RwLock<Option<Arc<Zone>>> = RwLock::new(None);

/// A fixed offset as Java's `ZoneId.of` reads it: `UTC`, `GMT`, `Z`, `+08:00`, `GMT-5`, `UTC+05:30`.
fn fixed_offset(id: &str) -> Option<i64> {
    let rest = ["UTC", "GMT", "UT"].iter().find_map(|p| id.strip_prefix(p)).unwrap_or(id);
    if rest.is_empty() || rest == "Z" {
        return Some(0);
    }
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let (h, m) = match digits.split_once(':') {
        Some((h, m)) => (h, m),
        None if digits.len() == 4 => digits.split_at(2),
        None => (digits, "0"),
    };
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 18 && m < 60).then_some(sign * (h * 3_600_000 + m * 60_000))
}

/// Sets the session time zone (the job's `table.local-time-zone`); an unknown zone is an error.
pub fn set(id: &str) -> Result<()> {
    let zone = match fixed_offset(id) {
        Some(ms) => Zone::Fixed(ms),
        None => {
            Python::attach(|py| -> PyResult<()> {
                py.import("zoneinfo")?.getattr("ZoneInfo")?.call1((id,))?;
                Ok(())
            })
            .map_err(|e| JobError::User(format!("table.local-time-zone: unknown time zone '{id}' ({e})")))?;
            Zone::Region { name: id.to_string(), offsets: Mutex::new(HashMap::new()) }
        }
    };
    *ZONE.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(zone));
    Ok(())
}

/// The zone's offset at the quarter hour `quarter` of UTC time (`local` false) or of wall-clock time
/// (`local` true: an ambiguous time takes the earlier offset, a skipped one the offset before the
/// gap, as Java's `LocalDateTime.atZone`).
fn offset(local: bool, ms: i64) -> i64 {
    let zone = ZONE.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    let Some(zone) = zone else { return 0 };
    match &*zone {
        Zone::Fixed(offset) => *offset,
        Zone::Region { name, offsets } => {
            let quarter = ms.div_euclid(QUARTER_MS);
            let mut cache = offsets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(offset) = cache.get(&(local, quarter)) {
                return *offset;
            }
            let offset = python_offset(name, local, quarter * (QUARTER_MS / 1000)).unwrap_or(0);
            cache.insert((local, quarter), offset);
            offset
        }
    }
}

fn python_offset(name: &str, local: bool, seconds: i64) -> PyResult<i64> {
    Python::attach(|py| {
        let datetime = py.import("datetime")?;
        let zone = py.import("zoneinfo")?.getattr("ZoneInfo")?.call1((name,))?;
        let moment = if local {
            let epoch = datetime.getattr("datetime")?.call1((1970, 1, 1))?;
            let delta = datetime.getattr("timedelta")?.call1((0, seconds))?;
            let naive = epoch.call_method1("__add__", (delta,))?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("tzinfo", &zone)?;
            naive.call_method("replace", (), Some(&kwargs))?
        } else {
            datetime.getattr("datetime")?.call_method1("fromtimestamp", (seconds, &zone))?
        };
        let offset = moment.call_method0("utcoffset")?.call_method0("total_seconds")?;
        Ok((offset.extract::<f64>()? * 1000.0).round() as i64)
    })
}

/// An instant's wall-clock time in the session zone (as a TIMESTAMP's milliseconds).
pub fn to_local(instant_ms: i64) -> i64 {
    instant_ms.saturating_add(offset(false, instant_ms))
}

/// The instant of a wall-clock time in the session zone.
pub fn to_instant(local_ms: i64) -> i64 {
    local_ms.saturating_sub(offset(true, local_ms))
}

#[cfg(test)]
mod tests {
    use super::fixed_offset;

    #[test]
    fn fixed_offsets_as_java_reads_them() {
        assert_eq!(fixed_offset("UTC"), Some(0));
        assert_eq!(fixed_offset("Z"), Some(0));
        assert_eq!(fixed_offset("GMT+08:00"), Some(8 * 3_600_000));
        assert_eq!(fixed_offset("+05:30"), Some(5 * 3_600_000 + 30 * 60_000));
        assert_eq!(fixed_offset("UTC-5"), Some(-5 * 3_600_000));
        assert_eq!(fixed_offset("Europe/Berlin"), None);
    }
}
