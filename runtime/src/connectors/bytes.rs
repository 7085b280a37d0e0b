//! Byte searches for splitting lines and fields: eight bytes at a time in a `u64` (SWAR), without
//! `unsafe` and without a dependency. Lines of a CSV file are short, so a search's start-up cost
//! matters as much as its speed.

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that is zero, and possibly of bytes above the lowest zero byte
/// (a borrow can propagate upwards), so the lowest set bit is exact.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// The index of the first `needle` in `bytes`.
#[inline]
pub fn find_byte(bytes: &[u8], needle: u8) -> Option<usize> {
    let pattern = LO * u64::from(needle);
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let found = zero_bytes(u64::from_le_bytes(word) ^ pattern);
        if found != 0 {
            return Some(base + (found.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks.remainder().iter().position(|&b| b == needle).map(|i| base + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_occurrence_as_a_plain_search_does() {
        let alphabet = [b',', b'"', b'a', 0u8, 0xff, 0x80, 0x01, b'\n'];
        let mut state: u64 = 7;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = (state >> 58) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|i| alphabet[((state >> (i % 50)) as usize + i * 7) % alphabet.len()])
                .collect();
            for needle in alphabet {
                assert_eq!(find_byte(&bytes, needle), bytes.iter().position(|&b| b == needle));
            }
        }
    }
}
