//! The name dictionaries: given names, surnames, and the ordinary words and places that look
//! like them, embedded in the binary and built into one hash table on first use.
//!
//! Each list under `patterns/names/` holds folded entries (see `fold`), one a line, gzip'd;
//! `scripts/build_names.py` derives them from public packages and `patterns/names/NOTICE.md`
//! says which, at which version, under which licence. The table maps the 64-bit hash of an
//! entry's skeleton key to a set of [`Flags`]; strings are not kept, so the table is small and a
//! lookup is one hash of a stack buffer. Two keys colliding in 64 bits among ~270k entries has
//! a probability near 2⁻³⁰; a collision would only add a flag to an unrelated word.
//!
//! Not here: what a flag means for a finding (see `morph` and the detector).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::Read;

use super::fold::{Skeleton, skeleton};

/// What a dictionary entry is; one key may be several things (Роза is a name and a word).
pub type Flags = u16;

/// A given name (mimesis kk/ru, natasha first/maybe_first, petrovich-rules exceptions).
pub const GIVEN: Flags = 1;
/// A surname (mimesis kk/ru, natasha last).
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
const COMMON_GZ: &[u8] = include_bytes!("../../../patterns/names/common.txt.gz");
const KK_WORDS_GZ: &[u8] = include_bytes!("../../../patterns/names/kk_words.txt.gz");
const PLACES_GZ: &[u8] = include_bytes!("../../../patterns/names/places.txt.gz");

/// Compressed size of the embedded lists, in bytes (for the README's figures).
pub const EMBEDDED_BYTES: usize =
    GIVEN_GZ.len() + SURNAMES_GZ.len() + COMMON_GZ.len() + KK_WORDS_GZ.len() + PLACES_GZ.len();

/// Keys are already hashes: hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Skeleton-key hash → flags.
pub struct Dictionary {
    map: HashMap<u64, Flags, BuildHasherDefault<IdentityHasher>>,
}

impl Dictionary {
    /// Builds the table from the embedded lists plus the word lists of `names.toml`.
    pub fn build(ambiguous: &[String], stop: &[String], places: &[String]) -> Self {
        let mut d = Dictionary {
            map: HashMap::with_capacity_and_hasher(300_000, Default::default()),
        };
        d.add_gz(GIVEN_GZ, GIVEN);
        d.add_gz(SURNAMES_GZ, SURNAME);
        d.add_gz(COMMON_GZ, COMMON);
        d.add_gz(KK_WORDS_GZ, KK_WORD);
        d.add_gz(PLACES_GZ, PLACE);
        for w in ambiguous {
            d.add(w, KK_WORD);
        }
        for w in places {
            d.add(w, PLACE);
        }
        for w in stop {
            d.add(w, STOP);
        }
        d
    }

    fn add_gz(&mut self, gz: &[u8], flag: Flags) {
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .expect("embedded name list is valid gzip'd UTF-8");
        for line in text.lines() {
            self.add(line, flag);
        }
    }

    fn add(&mut self, word: &str, flag: Flags) {
        if let Some(s) = skeleton(word.trim()) {
            *self.map.entry(s.hash()).or_insert(0) |= flag;
        }
    }

    /// The flags of a skeleton (0 if unknown).
    pub fn get(&self, s: &Skeleton) -> Flags {
        self.map.get(&s.hash()).copied().unwrap_or(0)
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
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
        assert_ne!(flags(&d, "Роза") & COMMON, 0);
        assert_ne!(flags(&d, "Январь") & STOP, 0);
        assert_ne!(flags(&d, "Атырау") & PLACE, 0);
        assert_eq!(flags(&d, "Кровать"), 0);
    }
}
