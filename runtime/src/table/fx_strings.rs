//! Flink's built-in string functions beyond the basic ones in [`super::fx`], as generated expression
//! code calls them: CONCAT_WS, LPAD/RPAD, REPEAT, REVERSE, INITCAP, LOCATE, ASCII, CHR, LEFT/RIGHT,
//! SPLIT_INDEX, TO_BASE64/FROM_BASE64, IS_DIGIT/IS_ALPHA and the REGEXP family.
//!
//! Each follows Flink's `SqlFunctionUtils` (and Calcite's `SqlFunctions` where Flink delegates):
//! NULL in gives NULL out unless Flink says otherwise, and where Flink catches an exception (a bad
//! regular expression, a group that does not exist) the result is NULL, as there. Positions count
//! characters, from 1.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use regex::Regex;

type Str = Option<Arc<str>>;

pub(super) fn text(s: String) -> Str {
    Some(Arc::from(s))
}

/// CONCAT_WS(separator, s...): the non-NULL strings joined; NULL only if the separator is.
pub fn concat_ws(separator: Str, parts: &[Str]) -> Str {
    let separator = separator?;
    let joined: Vec<&str> = parts.iter().flatten().map(|s| &**s).collect();
    text(joined.join(&separator))
}

/// LPAD / RPAD(base, length, pad): `base` padded (or cut) to `length` characters; NULL for a negative
/// length or an empty pad.
pub fn pad(base: Str, length: Option<i64>, pad: Str, left: bool) -> Str {
    let (base, length, pad) = (base?, length?, pad?);
    let length = usize::try_from(length).ok()?;
    if pad.is_empty() {
        return None;
    }
    let chars: Vec<char> = base.chars().collect();
    let missing = length.saturating_sub(chars.len());
    let padding: String = pad.chars().cycle().take(missing).collect();
    let kept: String = chars.iter().take(length).collect();
    text(if left { padding + &kept } else { kept + &padding })
}

/// REPEAT(s, n): `s` n times; empty for n <= 0.
pub fn repeat(s: Str, n: Option<i64>) -> Str {
    let (s, n) = (s?, n?);
    text(s.repeat(usize::try_from(n).unwrap_or(0)))
}

pub fn reverse(s: Str) -> Str {
    text(s?.chars().rev().collect())
}

/// INITCAP(s): each word's first letter upper case, its other letters lower case; a word is a run of
/// ASCII letters and digits (Calcite's `initcap`, which Flink calls).
pub fn initcap(s: Str) -> Str {
    let mut start = true;
    let out = s?
        .chars()
        .map(|c| {
            let alphanumeric = c.is_ascii_alphanumeric();
            let mapped = match (start, alphanumeric) {
                (true, true) => c.to_ascii_uppercase(),
                (false, true) => c.to_ascii_lowercase(),
                _ => c,
            };
            start = !alphanumeric;
            mapped
        })
        .collect();
    text(out)
}

/// LOCATE(needle, haystack[, from]) / POSITION(needle IN haystack): the 1-based character position
/// of the first `needle` at or after `from`; 0 if there is none or `from` is out of range.
pub fn locate(needle: Str, haystack: Str, from: Option<i64>) -> Option<i64> {
    let (needle, haystack, from) = (needle?, haystack?, from?);
    let length = haystack.chars().count() as i64;
    if from < 1 || from - 1 > length {
        return Some(0);
    }
    let start = haystack.char_indices().nth((from - 1) as usize).map_or(haystack.len(), |(i, _)| i);
    Some(match haystack[start..].find(&*needle) {
        Some(byte) => from + haystack[start..start + byte].chars().count() as i64,
        None => 0,
    })
}

/// ASCII(s): the code of the first character; 0 for an empty string.
pub fn ascii(s: Str) -> Option<i64> {
    Some(s?.chars().next().map_or(0, |c| i64::from(u32::from(c))))
}

/// CHR(n): the character of code `n & 0xFF` (Flink's `chr`); empty for a negative `n`.
pub fn chr(n: Option<i64>) -> Str {
    let n = n?;
    if n < 0 {
        return text(String::new());
    }
    text(char::from((n & 0xFF) as u8).to_string())
}

/// LEFT / RIGHT(s, n): the first or last `n` characters; empty for n <= 0.
pub fn left_right(s: Str, n: Option<i64>, left: bool) -> Str {
    let (s, n) = (s?, n?);
    let n = usize::try_from(n).unwrap_or(0);
    let total = s.chars().count();
    let out: String = if left { s.chars().take(n).collect() } else { s.chars().skip(total.saturating_sub(n)).collect() };
    text(out)
}

/// SPLIT_INDEX(s, separator, index): the `index`-th (from 0) piece of `s` split at the whole
/// separator, empty pieces kept (commons-lang's `splitByWholeSeparatorPreserveAllTokens`); NULL past
/// the last piece or for a negative index.
pub fn split_index(s: Str, separator: Str, index: Option<i64>) -> Str {
    let (s, separator, index) = (s?, separator?, index?);
    let index = usize::try_from(index).ok()?;
    if s.is_empty() {
        return None;
    }
    let piece = if separator.is_empty() {
        s.split_whitespace().nth(index)
    } else {
        s.split(&*separator).nth(index)
    };
    piece.map(Arc::from)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// TO_BASE64(s): the standard base64 of the string's UTF-8 bytes, with padding.
pub fn to_base64(s: Str) -> Str {
    let s = s?;
    let mut out = String::with_capacity(s.len().div_ceil(3) * 4);
    for chunk in s.as_bytes().chunks(3) {
        let bytes = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let bits = u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(BASE64[((bits >> (18 - 6 * i)) & 0x3F) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    text(out)
}

/// FROM_BASE64(s): the string whose UTF-8 bytes `s` encodes; NULL if `s` is not base64 or the bytes
/// are not UTF-8 (Flink fails the job there).
pub fn from_base64(s: Str) -> Str {
    let s = s?;
    let mut bytes = Vec::with_capacity(s.len() / 4 * 3);
    let (mut bits, mut count) = (0u32, 0u32);
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 {
        return None;
    }
    for c in body.bytes() {
        let value = BASE64.iter().position(|&b| b == c)? as u32;
        bits = bits << 6 | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            bytes.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(bytes).ok().map(Arc::from)
}

/// IS_DIGIT(s): whether `s` is non-empty and all Unicode digits; false (not NULL) for NULL.
pub fn is_digit(s: Str) -> Option<bool> {
    Some(s.is_some_and(|s| !s.is_empty() && s.chars().all(char::is_numeric)))
}

/// IS_ALPHA(s): whether `s` is non-empty and all letters; false (not NULL) for NULL.
pub fn is_alpha(s: Str) -> Option<bool> {
    Some(s.is_some_and(|s| !s.is_empty() && s.chars().all(char::is_alphabetic)))
}

thread_local! {
    /// Compiled patterns by their text: a pattern is usually a literal, compiled once per thread.
    static PATTERNS: RefCell<HashMap<Arc<str>, Option<Regex>>> = RefCell::new(HashMap::new());
}

/// Runs `f` with the compiled `pattern`; `None` if it does not compile.
fn with_regex<T>(pattern: &Arc<str>, f: impl FnOnce(&Regex) -> Option<T>) -> Option<T> {
    PATTERNS.with(|patterns| {
        let mut patterns = patterns.borrow_mut();
        if patterns.len() > 256 {
            patterns.clear();
        }
        let compiled = patterns.entry(pattern.clone()).or_insert_with(|| Regex::new(pattern).ok());
        compiled.as_ref().and_then(f)
    })
}

/// REGEXP_REPLACE(s, regex, replacement): every match replaced by the replacement taken literally
/// (Flink quotes it); NULL for a pattern that does not compile.
pub fn regexp_replace(s: Str, pattern: Str, replacement: Str) -> Str {
    let (s, pattern, replacement) = (s?, pattern?, replacement?);
    with_regex(&pattern, |re| Some(Arc::from(re.replace_all(&s, regex::NoExpand(&replacement)).as_ref())))
}

/// REGEXP_EXTRACT(s, regex[, group]): the group (0: the whole match) of the first match; NULL
/// without a match, for a group the pattern does not have, or a negative one.
pub fn regexp_extract(s: Str, pattern: Str, group: Option<i64>) -> Str {
    let (s, pattern, group) = (s?, pattern?, group?);
    let group = usize::try_from(group).ok()?;
    with_regex(&pattern, |re| {
        let captures = re.captures(&s)?;
        if group >= re.captures_len() {
            return None;
        }
        captures.get(group).map(|m| Arc::from(m.as_str()))
    })
}

/// REGEXP(s, regex): whether some part of `s` matches; false for an empty or invalid pattern.
pub fn regexp(s: Str, pattern: Str) -> Option<bool> {
    let (s, pattern) = (s?, pattern?);
    if pattern.is_empty() {
        return Some(false);
    }
    Some(with_regex(&pattern, |re| Some(re.is_match(&s))).unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Str {
        Some(Arc::from(text))
    }

    #[test]
    fn pads_and_cuts_as_flink() {
        assert_eq!(pad(s("hi"), Some(4), s("??"), true), s("??hi"));
        assert_eq!(pad(s("hi"), Some(1), s("??"), true), s("h"));
        assert_eq!(pad(s("hi"), Some(5), s("ab"), false), s("hiaba"));
        assert_eq!(pad(s("hi"), Some(-1), s("?"), false), None);
        assert_eq!(pad(s("hi"), Some(3), s(""), false), None);
    }

    #[test]
    fn splits_locates_and_capitalizes() {
        assert_eq!(split_index(s("a,,b"), s(","), Some(1)), s(""));
        assert_eq!(split_index(s("a,b"), s(","), Some(2)), None);
        assert_eq!(locate(s("b"), s("abcb"), Some(3)), Some(4));
        assert_eq!(locate(s("z"), s("abc"), Some(1)), Some(0));
        assert_eq!(initcap(s("hello wORLD 2nd-try")), s("Hello World 2nd-Try"));
        assert_eq!(concat_ws(s("-"), &[s("a"), None, s("b")]), s("a-b"));
    }

    #[test]
    fn base64_round_trips() {
        for text in ["", "a", "ab", "abc", "abcd", "héllo"] {
            let encoded = to_base64(s(text));
            assert_eq!(from_base64(encoded), s(text));
        }
        assert_eq!(to_base64(s("abcd")), s("YWJjZA=="));
        assert_eq!(from_base64(s("not base64!")), None);
    }

    #[test]
    fn regular_expressions() {
        assert_eq!(regexp_extract(s("foo123bar45"), s("([a-z]+)([0-9]+)"), Some(2)), s("123"));
        assert_eq!(regexp_extract(s("foo"), s("([0-9]+)"), Some(1)), None);
        assert_eq!(regexp_extract(s("foo"), s("(o)"), Some(3)), None);
        assert_eq!(regexp_replace(s("a1b2"), s("[0-9]"), s("$0")), s("a$0b$0"));
        assert_eq!(regexp_replace(s("a"), s("("), s("x")), None);
        assert_eq!(regexp(s("abc"), s("b")), Some(true));
    }
}
