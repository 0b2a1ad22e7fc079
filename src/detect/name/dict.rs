//! The name dictionaries: given names, surnames, and the ordinary words and places that look
//! like them, embedded in the binary and built into one hash table on first use.
//!
//! Names are keyed by skeleton (spelling-blind); ordinary words, places and stop words also
//! by their exact folded form, which is what decides whether a whole word is ordinary.
//!
//! Each list under `patterns/names/` holds folded entries (see `fold`), one a line, gzip'd;
//! `scripts/build_names.py` derives them from public packages and `patterns/names/NOTICE.md`
//! says which, at which version, under which licence. The table maps the 64-bit hash of an
//! entry's skeleton key to a set of [`Flags`]; strings are not kept, so the table is small (4 MiB)
//! and a lookup is one hash of a stack buffer. Two of ~270k keys colliding in the 48 bits kept
//! has a probability near 10⁻⁴; a collision would only add a flag to an unrelated word.
//!
//! Not here: what a flag means for a finding (see `morph` and the detector).

use std::io::Read;

use super::fold::{Skeleton, exact_hash_of_entry, skeleton_of_entry};

/// What a dictionary entry is; one key may be several things (Роза is a name and a word).
pub type Flags = u16;

/// A given name (mimesis kk/ru, natasha first/maybe_first, petrovich-rules exceptions,
/// OpenCorpora Name lemmas).
pub const GIVEN: Flags = 1;
/// A surname (mimesis kk/ru, natasha last, OpenCorpora Surn lemmas).
pub const SURNAME: Flags = 1 << 1;
/// An ordinary Russian word form that equals a name or a name plus an ending (OpenCorpora).
pub const COMMON: Flags = 1 << 2;
/// A city or region.
pub const PLACE: Flags = 1 << 3;
/// An ordinary Kazakh word, or a name that is also a word (`ambiguous` in names.toml).
pub const KK_WORD: Flags = 1 << 4;
/// Never a name part: months, weekdays, course and document words (`stop` in names.toml).
pub const STOP: Flags = 1 << 5;

/// Flags that make a name reading ambiguous: it needs a cue or a neighbouring name part.
pub const AMBIGUOUS: Flags = COMMON | PLACE | KK_WORD;

const GIVEN_GZ: &[u8] = include_bytes!("../../../patterns/names/given.txt.gz");
const SURNAMES_GZ: &[u8] = include_bytes!("../../../patterns/names/surnames.txt.gz");
const GIVEN_OC_GZ: &[u8] = include_bytes!("../../../patterns/names/given_oc.txt.gz");
const SURNAMES_OC_GZ: &[u8] = include_bytes!("../../../patterns/names/surnames_oc.txt.gz");
const COMMON_GZ: &[u8] = include_bytes!("../../../patterns/names/common.txt.gz");
const KK_WORDS_GZ: &[u8] = include_bytes!("../../../patterns/names/kk_words.txt.gz");
const PLACES_GZ: &[u8] = include_bytes!("../../../patterns/names/places.txt.gz");

/// Compressed size of the embedded lists, in bytes (for the README's figures).
pub const EMBEDDED_BYTES: usize = GIVEN_GZ.len()
    + SURNAMES_GZ.len()
    + GIVEN_OC_GZ.len()
    + SURNAMES_OC_GZ.len()
    + COMMON_GZ.len()
    + KK_WORDS_GZ.len()
    + PLACES_GZ.len();

/// Skeleton-key hash → flags, in one open-addressing table of `u64` slots: the upper 48 bits of
/// the hash with the flags in the low 16 (0 = empty). Entries are inserted sorted by hash, and
/// the slot index is the hash's top bits, so building walks memory in order instead of missing
/// the cache once per entry: start-up is dominated by decompressing and folding, not by the table.
pub struct Dictionary {
    slots: Vec<u64>,
    shift: u32,
    keys: usize,
}

const FLAG_BITS: u64 = 0xFFFF;

impl Dictionary {
    /// Builds the table from the embedded lists plus the word lists of `names.toml`.
    pub fn build(ambiguous: &[String], stop: &[String], places: &[String]) -> Self {
        // The surname list is two thirds of the work: fold it on a second thread.
        let mut entries = std::thread::scope(|scope| {
            let surnames = scope.spawn(|| {
                let mut v = Vec::with_capacity(190_000);
                add_gz(&mut v, SURNAMES_GZ, SURNAME);
                v
            });
            let mut v: Vec<u64> = Vec::with_capacity(100_000);
            add_gz(&mut v, GIVEN_GZ, GIVEN);
            add_gz(&mut v, GIVEN_OC_GZ, GIVEN);
            add_gz(&mut v, SURNAMES_OC_GZ, SURNAME);
            add_gz(&mut v, COMMON_GZ, COMMON);
            add_gz(&mut v, KK_WORDS_GZ, KK_WORD);
            add_gz(&mut v, PLACES_GZ, PLACE);
            // A listed ambiguous word can be a given name (Арман, Наурыз, Маусым) as well as a word.
            for (words, flag) in [(ambiguous, GIVEN | KK_WORD), (places, PLACE), (stop, STOP)] {
                for w in words {
                    add(&mut v, w, flag);
                }
            }
            let mut all = surnames
                .join()
                .expect("surname list folds without panicking");
            all.append(&mut v);
            all
        });
        entries.sort_unstable();
        // Load factor ≤ 1/2 keeps probes short.
        let bits = (entries.len() * 2)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let shift = 64 - bits;
        let mut slots = vec![0u64; 1 << bits];
        let mut keys = 0;
        let mut i = 0;
        while i < entries.len() {
            let key = entries[i] & !FLAG_BITS;
            let mut flags = 0;
            while i < entries.len() && entries[i] & !FLAG_BITS == key {
                flags |= entries[i] & FLAG_BITS;
                i += 1;
            }
            let mut at = (key >> shift) as usize;
            while slots[at] != 0 {
                at = (at + 1) & (slots.len() - 1);
            }
            slots[at] = key | flags;
            keys += 1;
        }
        Dictionary { slots, shift, keys }
    }

    /// The flags of a skeleton (0 if unknown).
    #[inline]
    pub fn get(&self, s: &Skeleton) -> Flags {
        self.get_hash(s.hash())
    }

    /// The ordinary-word flags (ambiguous, stop) of a word's exact form ([`exact_hash`]).
    #[inline]
    pub fn get_exact(&self, exact: u64) -> Flags {
        self.get_hash(exact) & (AMBIGUOUS | STOP)
    }

    fn get_hash(&self, hash: u64) -> Flags {
        let key = slot_key(hash);
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

/// The upper 48 bits of a hash, never 0 (0 marks an empty slot).
fn slot_key(hash: u64) -> u64 {
    (hash & !FLAG_BITS).max(1 << 16)
}

fn add_gz(entries: &mut Vec<u64>, gz: &[u8], flag: Flags) {
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_end(&mut text)
        .expect("embedded name list is valid gzip");
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        if flag == COMMON {
            // "+word": an ordinary word spelt like a name, which inflected names must see
            // under the skeleton too; any other ordinary word is compared whole and exactly.
            match line.strip_prefix(b"+") {
                Some(w) => add_entry(entries, w, flag),
                None => entries.extend(exact_hash_of_entry(line).map(|h| key(h, flag))),
            }
        } else {
            add_entry(entries, line, flag);
        }
    }
}

fn key(hash: u64, flag: Flags) -> u64 {
    slot_key(hash) | u64::from(flag)
}

/// A dictionary line: keyed by skeleton (names), and exactly too (ordinary words, stop words).
fn add_entry(entries: &mut Vec<u64>, word: &[u8], flag: Flags) {
    // Stop words are whole words: under the skeleton, ИИН would also stop the stem of Инну.
    if flag != STOP {
        entries.extend(skeleton_of_entry(word).map(|s| key(s.hash(), flag)));
    }
    if flag & (AMBIGUOUS | STOP) != 0 {
        entries.extend(exact_hash_of_entry(word).map(|h| key(h, flag)));
    }
}

fn add(entries: &mut Vec<u64>, word: &str, flag: Flags) {
    add_entry(entries, word.trim().as_bytes(), flag);
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
}
