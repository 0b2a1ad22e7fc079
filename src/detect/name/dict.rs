//! The name dictionaries: given names, surnames, and the ordinary words and places that look
//! like them, as one hash table built on first use.
//!
//! Each list under `patterns/names/` holds folded entries (see `fold`), one a line, gzip'd;
//! `scripts/build_names.py` derives them from public packages and `patterns/names/NOTICE.md`
//! says which, at which version, under which licence. `build.rs` turns them into sorted keys
//! at compile time (see `lists`), so start-up only lays those keys out in a table and adds the
//! few words of `patterns/names.toml`. Strings are not kept: the table is 4 MiB of `u64`s and a
//! lookup is one hash of a stack buffer. Two of ~340k keys colliding in the 48 bits kept has a
//! probability near 2·10⁻⁴; a collision would only add a flag to an unrelated word.
//!
//! Not here: what a flag means for a finding (see `morph` and the detector).

use super::fold::Skeleton;
pub use super::lists::{AMBIGUOUS, COMMON, Flags, GIVEN, KK_WORD, PLACE, STOP, SURNAME};
use super::lists::{FLAG_BITS, add_entry, slot_key};

/// The keys of every list, sorted, computed by `build.rs` with the same folding code.
const LIST_KEYS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/name_keys.bin"));

/// Bytes of lookup keys embedded in the binary.
pub const EMBEDDED_BYTES: usize = LIST_KEYS.len();

/// Skeleton-key hash → flags, in one open-addressing table of `u64` slots: the upper 48 bits of
/// the hash with the flags in the low 16 (0 = empty). Entries arrive sorted by hash and the slot
/// index is the hash's top bits, so building walks memory in order.
pub struct Dictionary {
    slots: Vec<u64>,
    shift: u32,
    keys: usize,
    /// One bit per key (a one-hash Bloom filter), 16 bits of filter per key: most words are no
    /// entry, and this answers them from 1 MiB instead of the 4 MiB table.
    any: BitFilter,
    /// The same for given names only (128 KiB): the morphology asks "is this root a given
    /// name?" a dozen times per word.
    given: BitFilter,
}

/// A one-hash Bloom filter over key hashes: `false` means certainly absent.
struct BitFilter {
    words: Vec<u64>,
    shift: u32,
}

impl BitFilter {
    /// A filter of at least `bits_per_key` bits per key.
    fn new(keys: usize, bits_per_key: usize) -> Self {
        let bits = (keys * bits_per_key).next_power_of_two().max(64);
        BitFilter {
            words: written_zeros(bits / 64),
            shift: 64 - bits.trailing_zeros(),
        }
    }

    /// Bit index of a key: its top bits, as for the table's slot index. Keys are hashes, so
    /// that spreads them as well as any remix would, and keys in sorted order set bits in
    /// order: building walks the filter as it walks the table, not 1 MiB at random.
    #[inline]
    fn bit(&self, key: u64) -> usize {
        (key >> self.shift) as usize
    }

    fn insert(&mut self, key: u64) {
        let b = self.bit(key);
        self.words[b / 64] |= 1 << (b % 64);
    }

    #[inline]
    fn may_contain(&self, key: u64) -> bool {
        let b = self.bit(key);
        self.words[b / 64] & (1 << (b % 64)) != 0
    }
}

impl Dictionary {
    /// Builds the table from the embedded lists plus the word lists of `names.toml`.
    pub fn build(ambiguous: &[String], stop: &[String], places: &[String]) -> Self {
        let listed = || {
            LIST_KEYS
                .chunks_exact(8)
                .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        };
        let mut extra = Vec::new();
        // A listed ambiguous word can be a given name (Арман, Наурыз, Маусым) as well as a word.
        for (words, flag) in [(ambiguous, GIVEN | KK_WORD), (places, PLACE), (stop, STOP)] {
            for w in words {
                add_entry(&mut extra, w.trim().as_bytes(), flag);
            }
        }
        extra.sort_unstable();
        let entries = listed().count() + extra.len();
        let given_keys = listed()
            .chain(extra.iter().copied())
            .filter(|e| e & u64::from(GIVEN) != 0)
            .count();
        // Load factor ≤ 3/4: probes stay within a cache line or two (eight slots a line), and
        // the table is half the size a load of 1/2 may need, which is fewer pages to fault in
        // at start-up and fewer lines to miss at a lookup.
        let bits = (entries * 4 / 3 + 1)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let shift = 64 - bits;
        let mut slots = written_zeros(1 << bits);
        let mut any = BitFilter::new(entries, 16);
        let mut given = BitFilter::new(given_keys, 16);
        let mut keys = 0;
        // The embedded keys and the extra ones, both sorted, merged as they are laid out: a
        // key's entries (one per flag) come together.
        let mut sorted = Merge {
            a: listed().peekable(),
            b: extra.iter().copied().peekable(),
        }
        .peekable();
        while let Some(first) = sorted.next() {
            let key = first & !FLAG_BITS;
            let mut flags = first & FLAG_BITS;
            while let Some(e) = sorted.next_if(|e| e & !FLAG_BITS == key) {
                flags |= e & FLAG_BITS;
            }
            let mut at = (key >> shift) as usize;
            while slots[at] != 0 {
                at = (at + 1) & (slots.len() - 1);
            }
            slots[at] = key | flags;
            any.insert(key);
            if flags & u64::from(GIVEN) != 0 {
                given.insert(key);
            }
            keys += 1;
        }
        Dictionary {
            slots,
            shift,
            keys,
            any,
            given,
        }
    }

    /// The flags of a skeleton (0 if unknown).
    #[inline]
    pub fn get(&self, s: &Skeleton) -> Flags {
        self.get_hash(s.hash())
    }

    /// The flags of a skeleton if it is a given name, else 0 or its flags: for callers that
    /// look for [`GIVEN`] only.
    #[inline]
    pub fn get_if_given(&self, s: &Skeleton) -> Flags {
        let hash = s.hash();
        if !self.given.may_contain(slot_key(hash)) {
            return 0;
        }
        self.get_hash(hash)
    }

    /// The ordinary-word flags (ambiguous, stop) of a word's exact form ([`exact_hash`]).
    #[inline]
    pub fn get_exact(&self, exact: u64) -> Flags {
        self.get_hash(exact) & (AMBIGUOUS | STOP)
    }

    fn get_hash(&self, hash: u64) -> Flags {
        let key = slot_key(hash);
        if !self.any.may_contain(key) {
            return 0;
        }
        let mut at = (key >> self.shift) as usize;
        loop {
            let slot = self.slots[at];
            if slot == 0 {
                return 0;
            }
            if slot & !FLAG_BITS == key {
                return (slot & FLAG_BITS) as Flags;
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.keys
    }
}

/// `n` zero words, written rather than allocated zeroed. A zeroed allocation maps the
/// kernel's shared zero page, and the build's first access to each page is a read (a probe, a
/// filter word to OR into): the write that follows then faults again to copy the page and
/// flushes it from every other CPU's TLB, an interrupt to each core for each of ~1,300 pages
/// while other threads of tazala run. Written zeros fault once per page, on the write.
fn written_zeros(n: usize) -> Vec<u64> {
    let mut words = Vec::with_capacity(n);
    // Opaque, so that the compiler does not turn the fill back into a zeroed allocation.
    words.resize(n, std::hint::black_box(0));
    words
}

/// Two sorted key sequences as one, in order.
struct Merge<A: Iterator<Item = u64>, B: Iterator<Item = u64>> {
    a: std::iter::Peekable<A>,
    b: std::iter::Peekable<B>,
}

impl<A: Iterator<Item = u64>, B: Iterator<Item = u64>> Iterator for Merge<A, B> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        match (self.a.peek(), self.b.peek()) {
            (Some(a), Some(b)) if b < a => self.b.next(),
            (Some(_), _) => self.a.next(),
            (None, _) => self.b.next(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fold::{exact_hash, skeleton};
    use super::*;

    fn flags(d: &Dictionary, w: &str) -> Flags {
        d.get(&skeleton(w).unwrap())
    }

    #[test]
    fn embedded_lists_load_and_answer_in_any_spelling() {
        let d = Dictionary::build(&[], &["январь".into()], &[]);
        assert!(d.len() > 200_000, "only {} keys", d.len());
        assert_ne!(flags(&d, "Айгерім") & GIVEN, 0);
        assert_ne!(flags(&d, "AIGERIM") & GIVEN, 0);
        assert_ne!(flags(&d, "Нурлан") & GIVEN, 0);
        assert_ne!(flags(&d, "Сулейменова") & SURNAME, 0);
        assert_ne!(flags(&d, "Вера") & COMMON, 0);
        assert_ne!(d.get_exact(exact_hash("ЯНВАРЬ")) & STOP, 0);
        assert_eq!(
            flags(&d, "Январь") & STOP,
            0,
            "stop words are whole words only"
        );
        assert_ne!(flags(&d, "Павлодар") & PLACE, 0);
        assert_eq!(flags(&d, "Кровать"), 0);
    }

    #[test]
    fn the_filters_never_hide_an_entry() {
        let d = Dictionary::build(&[], &[], &[]);
        let mut given = 0;
        for &entry in LIST_KEYS
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .collect::<Vec<_>>()
            .iter()
        {
            let key = entry & !FLAG_BITS;
            assert!(d.any.may_contain(key));
            if entry & u64::from(GIVEN) != 0 {
                assert!(d.given.may_contain(key));
                given += 1;
            }
        }
        assert!(given > 1000);
        let s = skeleton("Айгерім").unwrap();
        assert_ne!(d.get_if_given(&s) & GIVEN, 0);
        assert_eq!(d.get_if_given(&skeleton("Кровать").unwrap()), 0);
    }
}
