//! Context words: the words around a candidate that make it more (ИИН, тел.) or less (Заказ №,
//! договор) likely to be personal data.
//!
//! Words come from `patterns/` and are matched as whole words: a word must not be glued to a
//! letter or digit on either side, so `инн` does not match inside `Иннокентий`. Case: ASCII
//! letters in any case, other letters (Cyrillic, Kazakh) as written in lower case, UPPER CASE or
//! Title case — the three forms people type. The automaton holds all three forms, so a lookup
//! never allocates or lower-cases the text: detectors call it for every candidate.

use aho_corasick::{AhoCorasick, MatchKind};

/// A set of context words, compiled once.
#[derive(Clone, Debug)]
pub struct ContextWords {
    matcher: Option<AhoCorasick>,
}

impl ContextWords {
    /// Compiles `words` (any case; lower-cased here). Empty input gives a set that never matches.
    pub fn new<I, S>(words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut forms: Vec<String> = Vec::new();
        for word in words {
            let lower = word.as_ref().trim().to_lowercase();
            if lower.is_empty() {
                continue;
            }
            forms.push(lower.to_uppercase());
            forms.push(title_case(&lower));
            forms.push(lower);
        }
        forms.sort();
        forms.dedup();
        if forms.is_empty() {
            return ContextWords { matcher: None };
        }
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&forms)
            .expect("context words compile: they are plain literals");
        ContextWords {
            matcher: Some(matcher),
        }
    }

    /// Whether any word of the set occurs in `text` as a whole word.
    pub fn occurs_in(&self, text: &str) -> bool {
        self.find_in(text).is_some()
    }

    /// Byte span in `text` of the last whole-word occurrence.
    pub fn find_in(&self, text: &str) -> Option<(usize, usize)> {
        let matcher = self.matcher.as_ref()?;
        let mut last = None;
        for m in matcher.find_iter(text) {
            if is_word_boundary_before(text, m.start())
                && is_word_boundary_after(text, m.end())
                && !is_scrub_marker(text, m.start(), m.end())
            {
                last = Some((m.start(), m.end()));
            }
        }
        last
    }

    /// Whether a word of the set ends within `max_chars` characters before byte `pos` of `text`.
    pub fn before(&self, text: &str, pos: usize, max_chars: usize) -> bool {
        self.occurs_in(window_before(text, pos, max_chars))
    }

    /// Whether a word of the set starts within `max_chars` characters after byte `pos` of `text`.
    pub fn after(&self, text: &str, pos: usize, max_chars: usize) -> bool {
        self.occurs_in(window_after(text, pos, max_chars))
    }

    /// Whether a word of the set is within `max_chars` characters on either side of
    /// `start..end`.
    pub fn around(&self, text: &str, start: usize, end: usize, max_chars: usize) -> bool {
        self.before(text, start, max_chars) || self.after(text, end, max_chars)
    }
}

fn title_case(lower: &str) -> String {
    let mut chars = lower.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The at most `max_chars` characters of `text` that end at byte `pos`.
pub fn window_before(text: &str, pos: usize, max_chars: usize) -> &str {
    let head = &text[..pos];
    let start = head
        .char_indices()
        .rev()
        .nth(max_chars.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &head[start..]
}

/// The at most `max_chars` characters of `text` that start at byte `pos`.
pub fn window_after(text: &str, pos: usize, max_chars: usize) -> &str {
    let tail = &text[pos..];
    let end = tail
        .char_indices()
        .nth(max_chars)
        .map_or(tail.len(), |(i, _)| i);
    &tail[..end]
}

/// The part of `text` after its last run of at least `min_digits` ASCII digits (all of `text`
/// when it has none). Detectors look for context words only there: a word written before
/// another number names that number, not the candidate further on (`ИИН 871008401427, баллы
/// 85 90 …`, `Заказ 4512, 87011234567`).
pub fn after_last_number(text: &str, min_digits: usize) -> &str {
    let mut run = 0;
    let mut cut = 0;
    for (i, b) in text.bytes().enumerate() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= min_digits {
                cut = i + 1;
            }
        } else {
            run = 0;
        }
    }
    &text[cut..]
}

/// The token of `text` that ends at byte `end`: back to the nearest white space, quote or
/// opening bracket, looking at most `max_bytes` back. Used to see whether a candidate sits in a
/// URL (`https://…/8701…`, `scheme://user@host`).
pub fn token_before(text: &str, end: usize, max_bytes: usize) -> &str {
    let mut from = end.saturating_sub(max_bytes);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let head = &text[from..end];
    // A separator may be wider than one byte (no-break space): step over it as a char.
    let token_start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '(' | '['))
        .map_or(0, |(i, c)| i + c.len_utf8());
    &head[token_start..]
}

/// Whether the word at `start..end` is part of what tazala writes in place of a value: a
/// placeholder (`[NAME]`) or a pseudonym (`IIN-KHNLSTCMLHPGKGTP`). Such a word is no context:
/// otherwise scrubbing a scrubbed text would find values the first pass rightly left.
fn is_scrub_marker(text: &str, start: usize, end: usize) -> bool {
    let placeholder = text[..start].ends_with('[') && text[end..].starts_with(']');
    // A window may cut the pseudonym short: capitals up to the window's end count too.
    let pseudonym = text[end..].strip_prefix('-').is_some_and(|tail| {
        let letters = tail.bytes().take_while(u8::is_ascii_uppercase).count();
        letters >= PSEUDONYM_LETTERS || (letters > 0 && letters == tail.len())
    });
    placeholder || pseudonym
}

/// Letters of a pseudonym after its kind (`pseudonym`); fewer would be an ordinary word.
const PSEUDONYM_LETTERS: usize = 16;

fn is_word_boundary_before(text: &str, pos: usize) -> bool {
    text[..pos]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_alphanumeric())
}

fn is_word_boundary_after(text: &str, pos: usize) -> bool {
    text[pos..]
        .chars()
        .next()
        .is_none_or(|c| !c.is_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_whole_words_in_any_case() {
        let w = ContextWords::new(["ИИН", "жсн", "IIN"]);
        assert!(w.occurs_in("Ученик, иин: "));
        assert!(w.occurs_in("ЖСН"));
        assert!(w.occurs_in("his IIN is"));
        assert!(!w.occurs_in("Иннокентий"));
        assert!(!w.occurs_in("ИИНН"));
        assert!(w.occurs_in("Жсн: "));
        assert!(w.occurs_in("Iin"));
        assert!(w.occurs_in("iIN"));
    }

    #[test]
    fn spans_refer_to_the_text_searched() {
        let w = ContextWords::new(["тел"]);
        let text = "Тел. и ещё ТЕЛ 8";
        let (s, e) = w.find_in(text).unwrap();
        assert_eq!(&text[s..e], "ТЕЛ");
    }

    #[test]
    fn windows_count_characters_not_bytes() {
        let text = "ИИН 123";
        let pos = text.find('1').unwrap();
        assert_eq!(window_before(text, pos, 2), "Н ");
        assert_eq!(window_before(text, pos, 100), "ИИН ");
        assert_eq!(window_after(text, 0, 2), "ИИ");
        assert_eq!(window_after(text, pos, 100), "123");
    }

    #[test]
    fn before_and_after_respect_the_window() {
        let w = ContextWords::new(["тел"]);
        let text = "тел. 8 701 123 45 67";
        let pos = text.find('8').unwrap();
        assert!(w.before(text, pos, 6));
        assert!(!w.before(text, pos, 1));
        assert!(w.after("87011234567 тел", 11, 5));
    }

    #[test]
    fn context_stops_at_the_last_long_number() {
        assert_eq!(after_last_number("ИИН 871008401427, баллы ", 4), ", баллы ");
        assert_eq!(after_last_number("Заказ 4512, ", 4), ", ");
        assert_eq!(
            after_last_number("Договор № 15 от 01.09.", 4),
            "Договор № 15 от 01.09."
        );
        assert_eq!(after_last_number("тел. ", 4), "тел. ");
        assert_eq!(after_last_number("12345", 4), "");
    }

    #[test]
    fn token_before_stops_at_separators_and_the_lookback() {
        let text = "see <https://zoom.us/j/8701";
        assert_eq!(
            token_before(text, text.len(), 100),
            "https://zoom.us/j/8701"
        );
        assert_eq!(token_before(text, text.len(), 4), "8701");
        let nbsp = "a\u{a0}b@c";
        assert_eq!(token_before(nbsp, nbsp.find('@').unwrap(), 100), "b");
    }

    /// Found by `tests/props.rs` (idempotence): tazala's own placeholders and pseudonyms
    /// read as context words in a second scrub.
    #[test]
    fn regression_placeholders_and_pseudonyms_are_no_context() {
        let words = ContextWords::new(["iin", "name"]);
        assert_eq!(words.find_in("[NAME] Dana"), None);
        assert_eq!(words.find_in("1427 IIN-KHNLSTCMLHPGKGTP"), None);
        assert_eq!(words.find_in("[IIN]"), None);
        assert_eq!(
            words.find_in("1427 [NAME] IIN-RCLRG"),
            None,
            "cut by a window"
        );
        assert!(words.occurs_in("IIN-номер 871008401427"));
        assert!(words.occurs_in("name: Dana"));
    }

    #[test]
    fn empty_set_never_matches() {
        assert!(!ContextWords::new(Vec::<String>::new()).occurs_in("anything"));
    }
}
