//! The name lists under `patterns/names/` and how a line of one becomes lookup keys: shared by
//! the build script, which turns the lists into sorted keys once at compile time, and by the
//! dictionary, which adds the few words of `patterns/names.toml` at run time.
//!
//! A key is the upper 48 bits of a 64-bit hash with the entry's [`Flags`] in the low 16 bits.
//! Names are keyed by skeleton (spelling-blind); ordinary words, places and stop words also by
//! their exact folded form, which is what decides whether a whole word is ordinary.
//!
//! Not here: lookups (see `dict`) and what a flag means for a finding (see `morph`).

use super::fold::{exact_hash_of_entry, skeleton_of_entry};

/// What a dictionary entry is; one key may be several things (Вера is a name and a word).
pub type Flags = u16;

/// A given name (mimesis kk/ru, natasha first/maybe_first, petrovich-rules exceptions,
/// OpenCorpora Name lemmas).
pub const GIVEN: Flags = 1;
/// A surname (mimesis kk/ru, natasha last, OpenCorpora Surn lemmas).
pub const SURNAME: Flags = 1 << 1;
/// An ordinary Russian word form that equals a name or a name plus an ending, or a closed-class
/// word (OpenCorpora).
pub const COMMON: Flags = 1 << 2;
/// A city or region.
pub const PLACE: Flags = 1 << 3;
/// An ordinary Kazakh word, or a name that is also a word (`ambiguous` in names.toml).
pub const KK_WORD: Flags = 1 << 4;
/// Never a name part: cues, subjects, function words (`stop` in names.toml).
pub const STOP: Flags = 1 << 5;

/// Flags that make a name reading ambiguous: it needs a cue or a neighbouring name part.
pub const AMBIGUOUS: Flags = COMMON | PLACE | KK_WORD;

/// The lists, gzip'd, one folded entry a line, and what their entries are.
#[allow(dead_code)] // read by build.rs
pub const LISTS: &[(&str, Flags)] = &[
    ("given.txt.gz", GIVEN),
    ("given_oc.txt.gz", GIVEN),
    ("surnames.txt.gz", SURNAME),
    ("surnames_oc.txt.gz", SURNAME),
    ("common.txt.gz", COMMON),
    ("kk_words.txt.gz", KK_WORD),
    ("places.txt.gz", PLACE),
];

/// Low bits of a key that hold its flags.
pub const FLAG_BITS: u64 = 0xFFFF;

/// The upper 48 bits of a hash, never 0 (0 marks an empty slot).
pub fn slot_key(hash: u64) -> u64 {
    (hash & !FLAG_BITS).max(1 << 16)
}

fn key(hash: u64, flag: Flags) -> u64 {
    slot_key(hash) | u64::from(flag)
}

/// Adds the keys of every line of a decompressed list.
#[allow(dead_code)] // called by build.rs
pub fn add_list(entries: &mut Vec<u64>, text: &[u8], flag: Flags) {
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

/// Adds the keys of one entry: by skeleton (names), and exactly too (ordinary words, stop
/// words).
pub fn add_entry(entries: &mut Vec<u64>, word: &[u8], flag: Flags) {
    // Stop words are whole words: under the skeleton, ИИН would also stop the stem of Инну.
    if flag != STOP {
        entries.extend(skeleton_of_entry(word).map(|s| key(s.hash(), flag)));
    }
    if flag & (AMBIGUOUS | STOP) != 0 {
        entries.extend(exact_hash_of_entry(word).map(|h| key(h, flag)));
    }
}
