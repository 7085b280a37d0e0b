//! Flink's JSON and hash built-ins as generated expression code calls them: JSON_VALUE and
//! JSON_EXISTS over a path of `$`, `.key`, `['key']` and `[index]` steps (Flink's default
//! `NULL ON EMPTY` / `NULL ON ERROR`: a missing value, a non-scalar one or text that is not JSON give
//! NULL; JSON_EXISTS is false for those); MD5, SHA1, SHA2 and SHA224/256/384/512 as lower-case hex
//! of the string's UTF-8 bytes.

use std::sync::Arc;

use md5::Md5;
use sha2::Digest;

type Str = Option<Arc<str>>;

/// One step of a JSON path.
enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// The steps of a path in lax mode (`lax` / `strict` prefixes are accepted and ignored); `None` if it
/// is not a path sluice reads.
fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let path = path.trim();
    let path = path.strip_prefix("lax ").or_else(|| path.strip_prefix("strict ")).unwrap_or(path).trim_start();
    let mut rest = path.strip_prefix('$')?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            let key = &after[..end];
            if key.is_empty() {
                return None;
            }
            out.push(Step::Key(key));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = after[..end].trim();
            let quoted = inside
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inside.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            out.push(match quoted {
                Some(key) => Step::Key(key),
                None => Step::Index(inside.parse().ok()?),
            });
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(out)
}

fn lookup(json: &str, path: &str) -> Option<serde_json::Value> {
    let mut value: serde_json::Value = serde_json::from_str(json).ok()?;
    for step in steps(path)? {
        value = match (step, value) {
            (Step::Key(key), serde_json::Value::Object(mut map)) => map.remove(key)?,
            (Step::Index(i), serde_json::Value::Array(mut items)) if i < items.len() => items.swap_remove(i),
            _ => return None,
        };
    }
    Some(value)
}

/// JSON_VALUE(json, path): the scalar at `path` as text (a string's own text, a number or boolean as
/// JSON writes it); NULL for JSON null, a missing value, an object or array, or bad input.
pub fn json_value(json: Str, path: Str) -> Str {
    let (json, path) = (json?, path?);
    match lookup(&json, &path)? {
        serde_json::Value::String(s) => Some(Arc::from(s)),
        serde_json::Value::Number(n) => Some(Arc::from(n.to_string())),
        serde_json::Value::Bool(b) => Some(Arc::from(if b { "true" } else { "false" })),
        _ => None,
    }
}

/// JSON_EXISTS(json, path): whether `path` names a value other than JSON null (Flink reads a null
/// member as missing).
pub fn json_exists(json: Str, path: Str) -> Option<bool> {
    let (json, path) = (json?, path?);
    Some(lookup(&json, &path).is_some_and(|v| !v.is_null()))
}

fn hex(bytes: &[u8]) -> Str {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    Some(Arc::from(out))
}

pub fn md5(s: Str) -> Str {
    hex(&Md5::digest(s?.as_bytes()))
}

pub fn sha1(s: Str) -> Str {
    use sha1::Digest as _;
    hex(&sha1::Sha1::digest(s?.as_bytes()))
}

/// SHA2(s, bits) and SHA224/SHA256/SHA384/SHA512(s); NULL for another length, as Flink.
pub fn sha2(s: Str, bits: Option<i64>) -> Str {
    let s = s?;
    let bytes = s.as_bytes();
    match bits? {
        224 => hex(&sha2::Sha224::digest(bytes)),
        256 => hex(&sha2::Sha256::digest(bytes)),
        384 => hex(&sha2::Sha384::digest(bytes)),
        512 => hex(&sha2::Sha512::digest(bytes)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Str {
        Some(Arc::from(text))
    }

    #[test]
    fn json_paths() {
        let doc = s(r#"{"a": {"b": [10, "x", {"c": true}]}, "n": null, "f": 1.5}"#);
        assert_eq!(json_value(doc.clone(), s("$.a.b[0]")), s("10"));
        assert_eq!(json_value(doc.clone(), s("$.a.b[1]")), s("x"));
        assert_eq!(json_value(doc.clone(), s("$.a.b[2].c")), s("true"));
        assert_eq!(json_value(doc.clone(), s("$['f']")), s("1.5"));
        assert_eq!(json_value(doc.clone(), s("$.a")), None);
        assert_eq!(json_value(doc.clone(), s("$.missing")), None);
        assert_eq!(json_exists(doc.clone(), s("$.n")), Some(false));
        assert_eq!(json_exists(doc.clone(), s("$.f")), Some(true));
        assert_eq!(json_exists(doc, s("$.a.b[7]")), Some(false));
        assert_eq!(json_value(s("not json"), s("$.a")), None);
    }

    #[test]
    fn digests_are_lower_case_hex() {
        assert_eq!(md5(s("a")), s("0cc175b9c0f1b6a831c399e269772661"));
        assert_eq!(sha1(s("a")), s("86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"));
        assert_eq!(sha2(s("a"), Some(256)), s("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"));
        assert_eq!(sha2(s("a"), Some(100)), None);
    }
}
