//! Finding ASCII digits fast: the first step of every detector of numbers (IIN/BIN, phone, card).
//!
//! Text without digits must cost next to nothing (most free text has none), and text with many
//! (dates, grades, amounts) must not be read byte by byte. So digit-free blocks of 32 bytes are
//! skipped with byte-wide sums the compiler turns into vector code, and the last block is read
//! eight bytes at a time in a `u64`. What this module is not: it knows no number formats.

/// Bytes skipped at once when they hold no digit.
const BLOCK: usize = 32;
const ONES: u64 = 0x0101_0101_0101_0101;

/// Whether `b` is an ASCII digit, written so that a loop over a block vectorises.
fn is_digit(b: u8) -> bool {
    b.wrapping_sub(b'0') < 10
}

/// Bit 7 of each byte of the result is set iff that byte of `x` is in `b'0'..=b'9'` (a "has
/// between" test that keeps bytes apart: no borrow or carry crosses a byte, bytes >= 0x80 are
/// masked out).
fn digit_bits(x: u64) -> u64 {
    let low = x & (ONES * 0x7F);
    (ONES * (0x7F + 0x3A)).wrapping_sub(low)
        & !x
        & low.wrapping_add(ONES * (0x7F - 0x2F))
        & (ONES * 0x80)
}

fn block_has_digit(block: &[u8]) -> bool {
    block
        .iter()
        .fold(0u8, |acc, &b| acc | u8::from(is_digit(b)))
        != 0
}

/// Index of the first ASCII digit at or after `from`, if any.
pub fn next_digit(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    // Digits come in clusters (dates, times, grouped numbers): look at the next word first.
    if let Some(chunk) = bytes.get(i..i + 8) {
        let digits = digit_bits(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        if digits != 0 {
            return Some(i + digits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    while let Some(block) = bytes.get(i..i + BLOCK) {
        if block_has_digit(block) {
            break;
        }
        i += BLOCK;
    }
    while let Some(chunk) = bytes.get(i..i + 8) {
        let digits = digit_bits(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        if digits != 0 {
            return Some(i + digits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    bytes
        .get(i..)?
        .iter()
        .position(u8::is_ascii_digit)
        .map(|p| i + p)
}

/// Whether `bytes` holds at least `n` ASCII digits; stops reading once it knows.
pub fn has_digits(bytes: &[u8], n: usize) -> bool {
    let mut seen = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        seen += usize::from(
            block
                .iter()
                .fold(0u8, |acc, &b| acc + u8::from(is_digit(b))),
        );
        if seen >= n {
            return true;
        }
    }
    let mut words = blocks.remainder().chunks_exact(8);
    for word in &mut words {
        let digits = digit_bits(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        // One bit per digit byte, at bit 7: gather them into the top byte to count them.
        seen += ((digits >> 7).wrapping_mul(ONES) >> 56) as usize;
    }
    seen += words.remainder().iter().filter(|&&b| is_digit(b)).count();
    seen >= n
}

/// End of the run of ASCII digits that starts at `start`: the first non-digit byte after it.
pub fn run_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..]
        .iter()
        .position(|b| !b.is_ascii_digit())
        .map_or(bytes.len(), |n| start + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = "абв 7 «А» ¹²³ ٣ x9/0:@ ÿ0 ";

    #[test]
    fn next_digit_agrees_with_a_plain_search() {
        let text = MIXED.repeat(3) + &" ".repeat(70) + "5" + &"я".repeat(40) + "12";
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() + 1 {
            let plain = bytes
                .get(from..)
                .and_then(|tail| tail.iter().position(u8::is_ascii_digit))
                .map(|p| from + p);
            assert_eq!(next_digit(bytes, from), plain, "from {from}");
        }
        for b in 0..=255u8 {
            let chunk = [b'a', b'a', b'a', b'a', b'a', b'a', b'a', b];
            assert_eq!(
                next_digit(&chunk, 0).is_some(),
                b.is_ascii_digit(),
                "byte {b:#x}"
            );
        }
    }

    #[test]
    fn has_digits_agrees_with_a_count() {
        let text = MIXED.repeat(5) + "0123456789" + &"x".repeat(33) + "99";
        let bytes = text.as_bytes();
        for from in 0..bytes.len() {
            for to in from..=bytes.len() {
                let part = &bytes[from..to];
                let count = part.iter().filter(|b| b.is_ascii_digit()).count();
                for n in [0, 1, count, count + 1, 10] {
                    assert_eq!(has_digits(part, n), count >= n, "{from}..{to}, {n}");
                }
            }
        }
    }

    #[test]
    fn run_end_stops_at_the_first_non_digit() {
        assert_eq!(run_end(b"12a", 0), 2);
        assert_eq!(run_end(b"x1234", 1), 5);
        assert_eq!(run_end(b"7", 0), 1);
    }
}
