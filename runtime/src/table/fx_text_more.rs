//! More of Flink's string built-ins as generated expression code calls them: INSTR, OVERLAY,
//! TRANSLATE, ELT, URL_ENCODE / URL_DECODE, PARSE_URL, and the random ones (UUID, RAND,
//! RAND_INTEGER). NULL in gives NULL out; positions count characters from 1.

use std::cell::RefCell;
use std::sync::Arc;

use crate::random::Random;

use super::fx_strings::text;

type Str = Option<Arc<str>>;

/// INSTR(s, sub): the position of the first `sub` in `s`, 0 if none.
pub fn instr(s: Str, sub: Str) -> Option<i64> {
    let (s, sub) = (s?, sub?);
    Some(s.find(&*sub).map_or(0, |byte| s[..byte].chars().count() as i64 + 1))
}

/// OVERLAY(s PLACING r FROM pos [FOR len]): `len` characters of `s` from `pos` replaced by `r`
/// (`len` defaults to r's length); `s` unchanged when `pos` is not one of its positions.
pub fn overlay(s: Str, r: Str, pos: Option<i64>, len: Option<i64>) -> Str {
    let (s, r, pos) = (s?, r?, pos?);
    let chars: Vec<char> = s.chars().collect();
    if pos < 1 || pos > chars.len() as i64 {
        return Some(s);
    }
    let len = match len {
        Some(len) => len,
        None => r.chars().count() as i64,
    };
    let start = usize::try_from(pos.saturating_sub(1)).unwrap_or(0).min(chars.len());
    let end = usize::try_from(pos.saturating_sub(1).saturating_add(len.max(0))).unwrap_or(0).clamp(start, chars.len());
    let mut out: String = chars[..start].iter().collect();
    out.push_str(&r);
    out.extend(&chars[end..]);
    text(out)
}

/// TRANSLATE(s, from, to): each character of `from` in `s` replaced by the one at the same place in
/// `to`, or removed when `to` is shorter.
pub fn translate(s: Str, from: Str, to: Str) -> Str {
    let (s, from, to) = (s?, from?, to.unwrap_or_else(|| Arc::from("")));
    let (from, to): (Vec<char>, Vec<char>) = (from.chars().collect(), to.chars().collect());
    let out = s
        .chars()
        .filter_map(|c| match from.iter().position(|&f| f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect();
    text(out)
}

/// ELT(n, s1, s2, ...): the n-th string (from 1); NULL out of range.
pub fn elt(n: Option<i64>, items: &[Str]) -> Str {
    let n = usize::try_from(n?).ok()?;
    items.get(n.checked_sub(1)?)?.clone()
}

/// URL_ENCODE(s): `application/x-www-form-urlencoded` UTF-8, as Java's `URLEncoder`.
pub fn url_encode(s: Str) -> Str {
    let s = s?;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    text(out)
}

/// URL_DECODE(s): the inverse; NULL for a bad escape or bytes that are not UTF-8.
pub fn url_decode(s: Str) -> Str {
    let s = s?;
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok().map(Arc::from)
}

/// PARSE_URL(url, part[, key]): HOST, PATH, QUERY (or one query parameter's value), REF, PROTOCOL,
/// FILE, AUTHORITY or USERINFO of a URL, as Java's `URL` reads them; NULL if absent.
pub fn parse_url(url: Str, part: Str, key: Str) -> Str {
    let (url, part) = (url?, part?);
    let (protocol, rest) = url.split_once("://")?;
    let (rest, reference) = match rest.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (rest, None),
    };
    let (authority, file) = match rest.find('/').or_else(|| rest.find('?')) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (path, query) = match file.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (file, None),
    };
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let host = match host_port.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host_port,
    };
    let value = match part.as_ref() {
        "HOST" => Some(host),
        "PATH" => Some(path),
        "QUERY" => match key {
            Some(key) => {
                return query?
                    .split('&')
                    .find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == &*key).map(|(_, v)| Arc::from(v)));
            }
            None => query,
        },
        "REF" => reference,
        "PROTOCOL" => Some(protocol),
        "FILE" => Some(file),
        "AUTHORITY" => Some(authority),
        "USERINFO" => userinfo,
        _ => None,
    };
    value.map(Arc::from)
}

thread_local! {
    static RANDOM: RefCell<Random> = RefCell::new(Random::from_clock());
}

fn random_u64() -> u64 {
    RANDOM.with(|r| r.borrow_mut().next_u64())
}

/// UUID(): a random (version 4) UUID.
pub fn uuid() -> Str {
    let (a, b) = (random_u64(), random_u64());
    let a = (a & !0xF000) | 0x4000;
    let b = (b & !(0xC000 << 48)) | (0x8000 << 48);
    text(format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    ))
}

/// RAND(): uniform in [0, 1).
pub fn rand() -> Option<f64> {
    Some((random_u64() >> 11) as f64 / (1u64 << 53) as f64)
}

/// RAND_INTEGER(n): uniform in [0, n); NULL for n <= 0.
pub fn rand_integer(n: Option<i64>) -> Option<i64> {
    let n = u64::try_from(n?).ok().filter(|n| *n > 0)?;
    Some((random_u64() % n) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Str {
        Some(Arc::from(text))
    }

    #[test]
    fn positions_and_replacements() {
        assert_eq!(instr(s("hello"), s("l")), Some(3));
        assert_eq!(overlay(s("xxxxxtest"), s("xxxx"), Some(6), None), s("xxxxxxxxx"));
        assert_eq!(overlay(s("xxxxxtest"), s("xxxx"), Some(6), Some(2)), s("xxxxxxxxxst"));
        assert_eq!(overlay(s("x"), s("##"), Some(2), Some(3)), s("x"));
        assert_eq!(translate(s("abcabc"), s("ab"), s("x")), s("xcxc"));
        assert_eq!(elt(Some(2), &[s("a"), s("b")]), s("b"));
        assert_eq!(elt(Some(3), &[s("a"), s("b")]), None);
    }

    #[test]
    fn urls() {
        assert_eq!(url_encode(s("a b&c=d/é")), s("a+b%26c%3Dd%2F%C3%A9"));
        assert_eq!(url_decode(s("a+b%26c%3Dd%2F%C3%A9")), s("a b&c=d/é"));
        let url = s("https://user@flink.apache.org:8080/docs/index.html?k1=v1&k2=v2#frag");
        assert_eq!(parse_url(url.clone(), s("HOST"), None), s("flink.apache.org"));
        assert_eq!(parse_url(url.clone(), s("PATH"), None), s("/docs/index.html"));
        assert_eq!(parse_url(url.clone(), s("QUERY"), s("k2")), s("v2"));
        assert_eq!(parse_url(url.clone(), s("REF"), None), s("frag"));
        assert_eq!(parse_url(url, s("USERINFO"), None), s("user"));
    }

    #[test]
    fn random_values_are_in_range() {
        let id = uuid().expect("uuid");
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(rand_integer(Some(3)).is_some_and(|n| (0..3).contains(&n)));
    }
}
