//! Java behaviour PyFlink's output inherits because values pass through the JVM: `hashCode` of the
//! simple types and the iteration order of a `HashMap` built by Flink's MapSerializer
//! (`new HashMap<>(size)`, then one `put` per entry).

use crate::value::Value;

/// Java's `hashCode()` of the boxed value; `None` for values with no stable Java hash here.
pub fn hash_code(value: &Value) -> Option<i32> {
    Some(match value {
        Value::Null => 0,
        Value::Bool(b) => {
            if *b {
                1231
            } else {
                1237
            }
        }
        // Integer.hashCode for values that fit, Long.hashCode otherwise (the declared type decides in
        // Java; maps with BIGINT keys of small values hash the same either way).
        Value::Int(i) => (*i ^ (*i >> 32)) as i32,
        Value::Float(f) => {
            let bits = if f.is_nan() { 0x7ff8_0000_0000_0000u64 } else { f.to_bits() };
            (bits ^ (bits >> 32)) as i32
        }
        Value::Str(s) => s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit))),
        _ => return None,
    })
}

/// Reorders map entries into the iteration order of a Java HashMap filled with them in order.
pub fn hash_map_order(entries: Vec<(Value, Value)>) -> Vec<(Value, Value)> {
    let n = entries.len();
    if n < 2 {
        return entries;
    }
    // new HashMap<>(n): capacity tableSizeFor(n), doubled while n exceeds 0.75 of it.
    let mut capacity = n.next_power_of_two();
    while n * 4 > capacity * 3 {
        capacity *= 2;
    }
    let Some(hashes) = entries.iter().map(|(k, _)| hash_code(k)).collect::<Option<Vec<i32>>>() else {
        return entries;
    };
    let mut indexed: Vec<(usize, usize, (Value, Value))> = entries
        .into_iter()
        .zip(hashes)
        .enumerate()
        .map(|(position, (entry, h))| {
            let spread = (h ^ ((h as u32) >> 16) as i32) as u32 as usize;
            (spread & (capacity - 1), position, entry)
        })
        .collect();
    // Buckets in index order; within a bucket, insertion order (resizes keep it).
    indexed.sort_by_key(|(bucket, position, _)| (*bucket, *position));
    indexed.into_iter().map(|(_, _, entry)| entry).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(map: &[(Value, Value)]) -> Vec<String> {
        map.iter()
            .map(|(k, _)| match k {
                Value::Str(s) => s.to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn orders_like_java_hash_map() {
        // Observed from PyFlink 2.3: {'y': 1, 'x': 2, 'b': 3} prints {x=2, y=1, b=3};
        // {'sku': 1, 'qty': 2, 'a': 0} prints {sku=1, a=0, qty=2}.
        let m = |ks: &[&str]| ks.iter().map(|k| (Value::str(k), Value::Int(0))).collect::<Vec<_>>();
        assert_eq!(keys(&hash_map_order(m(&["y", "x", "b"]))), ["x", "y", "b"]);
        assert_eq!(keys(&hash_map_order(m(&["sku", "qty", "a"]))), ["sku", "a", "qty"]);
        assert_eq!(hash_code(&Value::str("hello")), Some(99_162_322));
    }
}
