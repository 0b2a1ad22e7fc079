//! A fast, unkeyed hasher for tazala's in-memory lookup tables: word lists, the scrub's memo
//! of clean values. These are hashed once per value or word on the hot path, where the
//! standard SipHash costs more than the lookup it serves. Eight bytes per step, mixed as
//! rustc's FxHash does.
//!
//! What this module is not: a defence against chosen collisions. The tables it serves are
//! bounded (word lists are fixed; the memo stops growing at a byte budget), so crafted input
//! can slow a lookup, not exhaust memory.

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher; see the module doc.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

/// `HashSet<T, FastBuild>` / `HashMap<K, V, FastBuild>`.
pub type FastBuild = BuildHasherDefault<FastHasher>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // The last multiply leaves the low bits, which pick a table's bucket, depending on the
        // low bits of the input only: a final mix spreads the high bits over them.
        let x = self.0 ^ (self.0 >> 32);
        let x = x.wrapping_mul(0xd6e8_feb8_6659_fd93);
        x ^ (x >> 32)
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(tail_word(bytes, rest.len()));
        }
        // The length, so that `ab` + `c` and `a` + `bc` written as parts differ.
        self.add(bytes.len() as u64);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// The last `n` (1 to 7) bytes of `bytes` as one word, read in at most two loads rather than
/// copied byte by byte (a copy of a variable length is a call to `memcpy`): the eight bytes
/// that end `bytes` when it has that many, else overlapping halves or three single bytes.
/// Bytes hashed before are read again; the length, hashed last, keeps inputs apart.
#[inline]
fn tail_word(bytes: &[u8], n: usize) -> u64 {
    let len = bytes.len();
    if len >= 8 {
        return u64::from_le_bytes(bytes[len - 8..].try_into().expect("8 bytes"));
    }
    let rest = &bytes[len - n..];
    if n >= 4 {
        let low = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes"));
        let high = u32::from_le_bytes(rest[n - 4..].try_into().expect("4 bytes"));
        u64::from(low) | u64::from(high) << 32
    } else {
        u64::from(rest[0]) | u64::from(rest[n / 2]) << 8 | u64::from(rest[n - 1]) << 16
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn sets_find_what_they_hold_and_nothing_else() {
        let words = ["", "a", "ab", "abcdefgh", "abcdefghi", "Айгерим", "айгерим"];
        let set: HashSet<&str, FastBuild> = words.iter().copied().collect();
        for w in words {
            assert!(set.contains(w), "{w}");
        }
        assert!(!set.contains("abcdefgi") && !set.contains("b"));
        let hash = |s: &str| {
            let mut h = FastHasher::default();
            h.write(s.as_bytes());
            h.finish()
        };
        assert_ne!(
            hash("a"),
            hash("a\0"),
            "trailing zero bytes change the hash"
        );
    }

    #[test]
    fn the_tail_word_reads_every_byte_of_a_short_tail() {
        // Strings of one length that differ in any byte give different tail words.
        for len in 1..8usize {
            let base: Vec<u8> = (1..=len as u8).collect();
            for i in 0..len {
                let mut other = base.clone();
                other[i] ^= 0x40;
                assert_ne!(tail_word(&base, len), tail_word(&other, len), "{len} {i}");
            }
        }
        let long = b"abcdefghijk";
        let mut other = *long;
        other[8] = b'X';
        assert_ne!(tail_word(long, 3), tail_word(&other, 3));
    }
}
