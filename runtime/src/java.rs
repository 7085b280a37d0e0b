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

/// Flink's `MathUtils.murmurHash(int)`, as key groups use it.
pub fn murmur_hash(code: i32) -> i32 {
    let mut code = (code as u32).wrapping_mul(0xcc9e_2d51);
    code = code.rotate_left(15);
    code = code.wrapping_mul(0x1b87_3593);
    code = code.rotate_left(13);
    code = code.wrapping_mul(5).wrapping_add(0xe654_6b64);
    code ^= 4;
    code ^= code >> 16;
    code = code.wrapping_mul(0x85eb_ca6b);
    code ^= code >> 13;
    code = code.wrapping_mul(0xc2b2_ae35);
    code ^= code >> 16;
    let code = code as i32;
    if code >= 0 {
        code
    } else if code != i32::MIN {
        -code
    } else {
        0
    }
}

/// `Arrays.hashCode(byte[])`.
pub fn bytes_hash_code(bytes: &[u8]) -> i32 {
    bytes.iter().fold(1i32, |h, b| h.wrapping_mul(31).wrapping_add(i32::from(*b as i8)))
}

/// The subtask of a key whose Java element hash is `element_hash`: PyFlink keys a stream by
/// `Row.of(key)`, whose deep hash is `62 + element_hash`; key group = murmur % max parallelism.
pub fn subtask_for_hash(element_hash: i32, parallelism: u32, max_parallelism: u32) -> u32 {
    let key_group = murmur_hash(element_hash.wrapping_add(62)).unsigned_abs() % max_parallelism;
    key_group * parallelism / max_parallelism
}

#[cfg(test)]
mod partition_tests {
    use super::*;

    #[test]
    fn murmur_matches_flink() {
        // Values from a Python transcription of Flink's MathUtils.murmurHash, the one that reproduced
        // PyFlink's key -> subtask mapping (examples/ds_parallel_print).
        assert_eq!(murmur_hash(0), 593_689_054);
        assert_eq!(murmur_hash(62), 979_750_049);
        assert_eq!(murmur_hash(-1), 1_982_413_648);
        assert_eq!(murmur_hash(123_456_789), 1_088_346_449);
        assert_eq!(bytes_hash_code(&[]), 1);
        assert_eq!(bytes_hash_code(&[0x80]), 31 - 128);
    }

    #[test]
    fn pickled_keys_land_on_pyflinks_subtasks() {
        // pickle.dumps('to', 5) and pickle.dumps('dream', 5): key groups 57 and 89 of 128, so at
        // parallelism 2 PyFlink prints them as `1>` and `2>`.
        assert_eq!(subtask_for_hash(-832_971_436, 2, 128), 0);
        assert_eq!(subtask_for_hash(932_779_038, 2, 128), 1);
        assert_eq!(murmur_hash(-832_971_436 + 62) % 128, 57);
        assert_eq!(murmur_hash(932_779_038 + 62) % 128, 89);
    }
}
