//! The detector's word rules from `patterns/names.toml`: ambiguous names, places, stop words,
//! cues and organisation context, compiled once.
//!
//! Not here: the dictionaries (see `dict`) and what the rules decide (see the detector).

use std::collections::HashSet;

use serde::Deserialize;

use crate::detect::context::{ContextWords, window_before};
use crate::fasthash::FastBuild;

pub const NAMES_TOML: &str = include_str!("../../../patterns/names.toml");

#[derive(Deserialize)]
pub struct RuleFile {
    pub ambiguous: Vec<String>,
    pub places: Vec<String>,
    pub stop: Vec<String>,
    pub cues_before: Vec<String>,
    pub cue_window: usize,
    pub cues_after: Vec<String>,
    pub org_before: Vec<String>,
    pub org_before_window: usize,
    pub org_after: Vec<String>,
}

impl RuleFile {
    pub fn builtin() -> Self {
        toml::from_str(NAMES_TOML).expect("patterns/names.toml is valid (checked by tests)")
    }
}

/// Context rules, compiled.
pub struct Context {
    /// Cues anywhere in the window before a name.
    pub cues_before: ContextWords,
    /// The same cues, ending right where a name starts.
    pub cue_right_before: EdgeWords,
    pub cue_window: usize,
    pub cues_after: ContextWords,
    pub org_before: EdgeWords,
    pub org_before_window: usize,
    pub org_after: EdgeWords,
}

impl Context {
    pub fn new(r: &RuleFile) -> Self {
        Context {
            cues_before: ContextWords::new(&r.cues_before),
            cue_right_before: EdgeWords::new(&r.cues_before),
            cue_window: r.cue_window,
            cues_after: ContextWords::new(&r.cues_after),
            org_before: EdgeWords::new(&r.org_before),
            org_before_window: r.org_before_window,
            org_after: EdgeWords::new(&r.org_after),
        }
    }
}

/// Context words that count only at the edge of a name: the phrase that ends where the name
/// starts (им. Абая, меня зовут Айару), the word right after it (Абай атындағы). Every name
/// found asks, so these are looked up whole, in lower case, in a hash set, instead of searched
/// for with an automaton. Whole words as in [`ContextWords`]: a match starts after a character
/// that is no letter or digit.
pub struct EdgeWords {
    words: HashSet<Box<[u8]>, FastBuild>,
    /// Characters in the longest word.
    max_chars: usize,
    /// Bit `n` set when some word is `n` bytes long: other suffixes are not looked up.
    lengths: u128,
}

/// Longest lower-cased text compared, in bytes (a window of 32 characters, Cyrillic).
const EDGE_BYTES: usize = 192;

impl EdgeWords {
    pub fn new(words: &[String]) -> Self {
        let words: HashSet<_, _> = words
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| !w.is_empty() && w.len() < 128)
            .map(|w| w.into_bytes().into_boxed_slice())
            .collect();
        let max_chars = words
            .iter()
            .map(|w| String::from_utf8_lossy(w).chars().count())
            .max()
            .unwrap_or(0);
        let lengths = words.iter().fold(0u128, |m, w| m | 1 << w.len());
        EdgeWords {
            words,
            max_chars,
            lengths,
        }
    }

    /// Whether one of the words ends `head` and starts within its last `max_chars` characters.
    pub fn ends(&self, head: &str, max_chars: usize) -> bool {
        // One character more than the longest word, to see whether a word starts mid-word.
        let w = window_before(head, head.len(), max_chars.min(self.max_chars + 1));
        let mut buf = [0u8; EDGE_BYTES];
        let mut len = 0;
        // Byte offsets in `buf` where a word may start: after no letter or digit.
        let mut starts = [0u8; 64];
        let mut nstarts = 0;
        let mut prev_alnum = false;
        for c in w.chars() {
            let alnum = is_alphanumeric(c);
            if alnum && !prev_alnum && nstarts < starts.len() {
                starts[nstarts] = len as u8;
                nstarts += 1;
            }
            prev_alnum = alnum;
            if !push_lower(c, &mut buf, &mut len) {
                return false;
            }
        }
        let lower = &buf[..len];
        let has = |at: usize| {
            let n = len - at;
            n < 128 && self.lengths & (1 << n) != 0 && self.words.contains(&lower[at..])
        };
        // A window that starts mid-text starts a word too, as the automaton's does.
        let from_start = !w.is_empty() && !w.starts_with(is_alphanumeric);
        from_start && has(0) || starts[..nstarts].iter().any(|&at| has(at as usize))
    }

    /// Whether `word` or one of its hyphen-separated parts is one of the words (школа-интернат).
    pub fn has_part(&self, word: &str) -> bool {
        let mut buf = [0u8; EDGE_BYTES];
        let mut len = 0;
        for c in word.chars() {
            if !push_lower(c, &mut buf, &mut len) {
                return false;
            }
        }
        let lower = &buf[..len];
        self.words.contains(lower)
            || (lower.contains(&b'-')
                && lower.split(|&b| b == b'-').any(|p| self.words.contains(p)))
    }
}

/// `char::is_alphanumeric`, with ASCII and Cyrillic answered without the Unicode tables.
fn is_alphanumeric(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '\u{0400}'..='\u{0481}' | '\u{048A}'..='\u{04FF}' => {
            true
        }
        '\0'..='\u{7F}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// Appends the lower case of `c` to `buf` (ASCII and Russian capitals without the Unicode
/// tables); false if it does not fit.
fn push_lower(c: char, buf: &mut [u8], len: &mut usize) -> bool {
    let mut one = |l: char| {
        if *len + l.len_utf8() > buf.len() {
            return false;
        }
        *len += l.encode_utf8(&mut buf[*len..]).len();
        true
    };
    match c {
        'A'..='Z' => one(c.to_ascii_lowercase()),
        '\0'..='\u{7F}' | 'а'..='я' => one(c),
        'А'..='Я' => one(char::from_u32(c as u32 + 0x20).expect("Cyrillic letter")),
        _ => c.to_lowercase().all(one),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_toml_parses() {
        let r = RuleFile::builtin();
        assert!(r.cues_before.iter().any(|w| w == "меня зовут"));
        assert!(r.org_after.iter().any(|w| w == "атындағы"));
        assert!(r.cue_window > 0 && r.org_before_window > 0);
    }

    #[test]
    fn edge_words_end_the_text_as_whole_words() {
        let w = EdgeWords::new(&[
            "им.".into(),
            "ул".into(),
            "меня зовут".into(),
            "школа".into(),
        ]);
        assert!(w.ends("Школа им.", 14));
        assert!(w.ends("(им.", 14));
        assert!(w.ends("ИМ.", 14));
        assert!(w.ends("Привет, меня зовут", 32));
        assert!(w.ends("Привет, Меня Зовут", 32));
        assert!(!w.ends("Привет, меня зовут", 5), "longer than the window");
        assert!(!w.ends("Жим.", 14), "inside a word");
        assert!(!w.ends("им. Абая", 14), "not at the end");
        assert!(!w.ends("", 14));
        assert!(w.ends("ул", 14));
        assert!(w.has_part("Школа"));
        assert!(w.has_part("школа-интернат"));
        assert!(!w.has_part("Школьная"));
    }

    #[test]
    fn edge_words_agree_with_the_automaton() {
        let r = RuleFile::builtin();
        let (edge, auto) = (
            EdgeWords::new(&r.cues_before),
            ContextWords::new(&r.cues_before),
        );
        for head in [
            "Ученица",
            "ФИО",
            "Ф.И.О.",
            "ф. и. о.",
            "Сообщение: меня зовут",
            "Дорогая",
            "классный руководитель",
            "Оценку поставил Руководитель",
            "ОҚУШЫ",
            "Құрметті",
            "my name is",
            "Mr.",
            "тест сдала",
        ] {
            let w = window_before(head, head.len(), 32);
            let by_auto = auto.find_in(w).is_some_and(|(_, e)| e == w.len());
            assert_eq!(edge.ends(head, 32), by_auto, "{head}");
        }
    }
}
