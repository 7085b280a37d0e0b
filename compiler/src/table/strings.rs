//! Positions inside Python string literals: where character `i` of a string's value was written.
//!
//! A Table API string expression or a SQL statement is a Python string; an error found at character
//! `i` of its value is reported at the line and column of that character in the job file. Handles
//! implicitly concatenated literals (`"a, " "b"` across lines, with comments between), all quote forms,
//! raw strings and backslash escapes.

/// Byte offsets (into the scanned source) of each character of the literal's value, plus the offset
/// just past the last literal. `None` when the text is not a plain string literal (an f-string, a
/// name, a call).
pub fn value_offsets(source: &str, start: usize, end: usize) -> Option<Vec<usize>> {
    let text = source.get(start..end)?;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut pieces = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'(' | b')' => i += 1,
            b'\\' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {
                let prefix_start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                let prefix = text[prefix_start..i].to_ascii_lowercase();
                if prefix.contains('f') || prefix.contains('b') || i >= bytes.len() {
                    return None;
                }
                let raw = prefix.contains('r');
                let quote = bytes[i];
                if quote != b'\'' && quote != b'"' {
                    return None;
                }
                let triple = bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]);
                i += if triple { 3 } else { 1 };
                i = scan_body(text, i, quote, triple, raw, start, &mut out)?;
                pieces += 1;
            }
        }
    }
    (pieces > 0).then(|| {
        out.push(end);
        out
    })
}

/// Scans one literal's body from `i` (after the opening quote); returns the index after the closing
/// quote.
fn scan_body(
    text: &str,
    mut i: usize,
    quote: u8,
    triple: bool,
    raw: bool,
    base: usize,
    out: &mut Vec<usize>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    loop {
        let c = *bytes.get(i)?;
        if c == quote {
            if !triple {
                return Some(i + 1);
            }
            if bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]) {
                return Some(i + 3);
            }
        }
        let ch = text.get(i..)?.chars().next()?;
        if c == b'\\' && !raw {
            let next = *bytes.get(i + 1)?;
            match next {
                b'\n' => i += 2,
                b'x' => {
                    out.push(base + i);
                    i += 4;
                }
                b'u' => {
                    out.push(base + i);
                    i += 6;
                }
                b'U' => {
                    out.push(base + i);
                    i += 10;
                }
                b'N' => {
                    out.push(base + i);
                    while *bytes.get(i)? != b'}' {
                        i += 1;
                    }
                    i += 1;
                }
                b'0'..=b'7' => {
                    out.push(base + i);
                    i += 2;
                    let mut digits = 1;
                    while digits < 3 && matches!(bytes.get(i), Some(b'0'..=b'7')) {
                        i += 1;
                        digits += 1;
                    }
                }
                _ => {
                    // `\n`, `\t`, `\\`, `\'`: one character; an unknown escape keeps both characters.
                    out.push(base + i);
                    if !b"\\'\"abfnrtv".contains(&next) {
                        out.push(base + i + 1);
                    }
                    i += 2;
                }
            }
            continue;
        }
        if c == b'\\' && raw {
            // A raw string keeps the backslash and the escaped quote.
            out.push(base + i);
            i += 1;
            if let Some(&n) = bytes.get(i) {
                if n == quote || n == b'\\' {
                    out.push(base + i);
                    i += 1;
                }
            }
            continue;
        }
        out.push(base + i);
        i += ch.len_utf8();
    }
}

#[cfg(test)]
mod tests {
    use super::value_offsets;

    fn check(source: &str, value: &str) {
        let offsets = value_offsets(source, 0, source.len()).expect("a literal");
        assert_eq!(offsets.len(), value.chars().count() + 1, "{source}");
        for (ch, off) in value.chars().zip(&offsets) {
            let written = source[*off..].chars().next().expect("char");
            if written != '\\' {
                assert_eq!(written, ch, "{source}");
            }
        }
    }

    #[test]
    fn implicit_concatenation_with_comments() {
        check(
            "(\"uuid, \"\n  \"ip(x) as p, \" # c\n 'y')",
            "uuid, ip(x) as p, y",
        );
    }

    #[test]
    fn escapes_and_triple_quotes() {
        check("'a\\tb\\\\c'", "a\tb\\c");
        check("\"\"\"\nCREATE 'x'\n\"\"\"", "\nCREATE 'x'\n");
        check("r'a\\d'", "a\\d");
        check("'中文 x'", "中文 x");
    }

    #[test]
    fn not_literals() {
        assert!(value_offsets("name", 0, 4).is_none());
        assert!(value_offsets("f'{x}'", 0, 6).is_none());
    }
}
