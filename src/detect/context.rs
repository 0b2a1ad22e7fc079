//! Context words: the words around a candidate that make it more (ИИН, тел.) or less (Заказ №,
//! договор) likely to be personal data.
//!
//! Words come from `patterns/` and are matched as whole words: a word must not be glued to a
//! letter or digit on either side, so `инн` does not match inside `Иннокентий`. Case: ASCII
//! letters in any case, other letters (Cyrillic, Kazakh) as written in lower case, UPPER CASE or
//! Title case — the three forms people type. The automaton holds all three forms, so a lookup
//! never allocates or lower-cases the text: detectors call it for every candidate.
//!
//! [`ContextWords`] is one list. [`WordLists`] is the several lists of one detector (IIN words,
//! BIN words, document words …) in one automaton: a detector scans the window around a candidate
//! once and asks every list, with the same answers the lists would give one by one.

use std::sync::Arc;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{AhoCorasick, Anchored, MatchKind};

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
        let forms = case_forms(words);
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

/// Several lists of context words compiled into one automaton, so that one pass over a window
/// answers "where is the last word of list *i*" for every list, also for any part of the window.
///
/// Each answer is exactly what [`ContextWords::find_in`] of that list alone would give on that
/// part of the window: the pass records every occurrence of every word (overlaps included), and
/// a query replays the leftmost-longest choice of a single list over the occurrences that lie
/// inside the part, with the part's edges as word boundaries. A window with more occurrences than
/// [`MAX_OCCURRENCES`] (a run of `####…`) is answered by the list's own automaton instead.
#[derive(Clone, Debug)]
pub struct WordLists {
    /// Every case form of every word, all lists together, as an automaton driven byte by byte
    /// (windows are short and searched once per candidate); `None` when there are no words.
    /// A contiguous NFA, not a DFA: a DFA of these lists took most of tazala's start-up to
    /// build (a scrub of 2,000 records 0.84 × the wall time), for scans that are a small part
    /// of any run. Shared, so that a clone is cheap.
    matcher: Option<Arc<NFA>>,
    /// For each pattern of `matcher`, the lists (bit *i* = list *i*) that hold it.
    lists_of: Vec<u32>,
    /// Each list alone, for windows with too many occurrences to record: built on first use
    /// (rare: a run of `####…`), so that start-up compiles one automaton per detector.
    alone: Arc<AloneLists>,
}

/// The lists of a [`WordLists`], each compiled alone when first needed.
#[derive(Debug)]
struct AloneLists {
    lists: Vec<Vec<String>>,
    built: std::sync::OnceLock<Vec<ContextWords>>,
}

impl AloneLists {
    fn get(&self) -> &[ContextWords] {
        self.built
            .get_or_init(|| self.lists.iter().map(ContextWords::new).collect())
    }
}

/// Occurrences recorded per window before [`WordLists`] falls back to one automaton per list.
pub const MAX_OCCURRENCES: usize = 16;

/// One word occurrence in a scanned window: byte span and the lists that hold the word.
#[derive(Clone, Copy, Debug, Default)]
struct Occurrence {
    start: u32,
    end: u32,
    lists: u32,
}

impl WordLists {
    /// Compiles the lists; list *i* of the answer is `lists[i]`. At most 32 lists.
    pub fn new<L, I, S>(lists: L) -> Self
    where
        L: IntoIterator<Item = I>,
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let lists: Vec<Vec<String>> = lists.into_iter().map(case_forms).collect();
        assert!(lists.len() <= 32, "at most 32 word lists in one automaton");
        let mut forms: Vec<(&str, u32)> = Vec::new();
        for (i, list) in lists.iter().enumerate() {
            forms.extend(list.iter().map(|f| (f.as_str(), 1u32 << i)));
        }
        forms.sort();
        let mut patterns: Vec<&str> = Vec::new();
        let mut lists_of: Vec<u32> = Vec::new();
        for (form, bit) in forms {
            if patterns.last() == Some(&form) {
                *lists_of.last_mut().expect("one mask per pattern") |= bit;
            } else {
                patterns.push(form);
                lists_of.push(bit);
            }
        }
        let matcher = (!patterns.is_empty()).then(|| {
            let nfa = NFA::builder()
                .match_kind(MatchKind::Standard)
                .ascii_case_insensitive(true)
                .prefilter(false)
                .build(&patterns)
                .expect("context words compile: they are plain literals");
            Arc::new(nfa)
        });
        let alone = Arc::new(AloneLists {
            lists: lists.clone(),
            built: std::sync::OnceLock::new(),
        });
        WordLists {
            matcher,
            lists_of,
            alone,
        }
    }

    /// Whether a word of list `list` is within `max_chars` characters on either side of
    /// `start..end`, as [`ContextWords::around`] of that list says.
    pub fn around(
        &self,
        list: usize,
        text: &str,
        start: usize,
        end: usize,
        max_chars: usize,
    ) -> bool {
        self.scan(window_before(text, start, max_chars)).has(list)
            || self.scan(window_after(text, end, max_chars)).has(list)
    }

    /// Records every word occurrence in `window`, for the queries of [`WordScan`].
    pub fn scan<'w>(&'w self, window: &'w str) -> WordScan<'w> {
        let mut scan = WordScan {
            lists: self,
            window,
            occurrences: [Occurrence::default(); MAX_OCCURRENCES],
            len: 0,
            overflow: false,
        };
        let Some(nfa) = &self.matcher else {
            return scan;
        };
        let mut state = nfa
            .start_state(Anchored::No)
            .expect("an unanchored automaton has an unanchored start state");
        'bytes: for (i, &b) in window.as_bytes().iter().enumerate() {
            state = nfa.next_state(Anchored::No, state, b);
            if !nfa.is_special(state) || !nfa.is_match(state) {
                continue;
            }
            let end = i + 1;
            for k in 0..nfa.match_len(state) {
                if scan.len == MAX_OCCURRENCES {
                    scan.overflow = true;
                    break 'bytes;
                }
                let pattern = nfa.match_pattern(state, k);
                scan.occurrences[scan.len] = Occurrence {
                    start: (end - nfa.pattern_len(pattern)) as u32,
                    end: end as u32,
                    lists: self.lists_of[pattern.as_usize()],
                };
                scan.len += 1;
            }
        }
        // Leftmost-longest replay wants them by start, the longest first at one start.
        scan.occurrences[..scan.len].sort_unstable_by_key(|o| (o.start, std::cmp::Reverse(o.end)));
        scan
    }
}

/// The word occurrences of one window; see [`WordLists`].
#[derive(Clone, Debug)]
pub struct WordScan<'w> {
    lists: &'w WordLists,
    window: &'w str,
    occurrences: [Occurrence; MAX_OCCURRENCES],
    len: usize,
    overflow: bool,
}

impl WordScan<'_> {
    /// Span in the window of the last whole-word occurrence of list `list`, as
    /// [`ContextWords::find_in`] gives it.
    pub fn last(&self, list: usize) -> Option<(usize, usize)> {
        self.last_in(list, 0..self.window.len())
    }

    /// Like [`last`](Self::last) for the part `part` of the window, as if only that part had
    /// been searched (its edges are word boundaries); the span is still relative to the window.
    pub fn last_in(&self, list: usize, part: std::ops::Range<usize>) -> Option<(usize, usize)> {
        let text = &self.window[part.clone()];
        if self.overflow {
            return self.lists.alone.get()[list]
                .find_in(text)
                .map(|(s, e)| (part.start + s, part.start + e));
        }
        let bit = 1u32 << list;
        let mut next = part.start;
        let mut last = None;
        for o in &self.occurrences[..self.len] {
            let (start, end) = (o.start as usize, o.end as usize);
            if o.lists & bit == 0 || start < next || end > part.end {
                continue;
            }
            next = end;
            let (s, e) = (start - part.start, end - part.start);
            if is_word_boundary_before(text, s)
                && is_word_boundary_after(text, e)
                && !is_scrub_marker(text, s, e)
            {
                last = Some((start, end));
            }
        }
        last
    }

    /// Whether a word of list `list` occurs in the window as a whole word.
    pub fn has(&self, list: usize) -> bool {
        self.last(list).is_some()
    }
}

/// The forms of `words` an automaton holds: lower case, UPPER CASE and Title case of each word,
/// sorted and without duplicates.
fn case_forms<I, S>(words: I) -> Vec<String>
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
    forms
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

/// The part of `text` after its last scrub marker, a placeholder (`[NAME]`, also cut to
/// `NAME]` at the window's start) or a pseudonym (`IIN-RBPKLSTFDTTGBJGK`); all of `text` when it
/// has none. A word before a marker named the value the marker replaced, just as a word before
/// another number names that number (see [`after_last_number`]): without this cut, scrubbing a
/// scrubbed text finds what the first pass rightly left (`ученик [NAME] Іұһ`, found by the
/// idempotence property test in `tests/props.rs`).
pub fn after_last_marker(text: &str) -> &str {
    let b = text.as_bytes();
    let capitals_before = |i: usize| {
        b[..i]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_uppercase())
            .count()
    };
    for i in (0..b.len()).rev() {
        match b[i] {
            b']' => {
                let letters = capitals_before(i);
                if letters > 0 && (letters == i || b[i - letters - 1] == b'[') {
                    return &text[i + 1..];
                }
            }
            b'-' => {
                let letters = b[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_uppercase())
                    .count();
                let whole =
                    letters >= PSEUDONYM_LETTERS || (letters > 0 && i + 1 + letters == b.len());
                if whole && capitals_before(i) > 0 {
                    return &text[i + 1 + letters..];
                }
            }
            _ => {}
        }
    }
    text
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

/// [`char::is_alphanumeric`], with the Russian alphabet answered first: Cyrillic text is most of
/// what detectors step over, and the standard table search is slow for it.
pub fn is_alphanumeric(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё') || c.is_alphanumeric()
}

/// [`char::is_alphabetic`], with the Russian alphabet answered first (see [`is_alphanumeric`]).
pub fn is_alphabetic(c: char) -> bool {
    matches!(c, 'А'..='я' | 'Ё' | 'ё') || c.is_alphabetic()
}
/// Whether the word at `start..end` is part of what tazala writes in place of a value: a
/// placeholder (`[NAME]`) or a pseudonym (`IIN-KHNLSTCMLHPGKGTP`). Such a word is no context:
/// otherwise scrubbing a scrubbed text would find values the first pass rightly left.
fn is_scrub_marker(text: &str, start: usize, end: usize) -> bool {
    // A window may cut a placeholder too: `NAME]` at its start, `[NAME` at its end.
    let open = text[..start].ends_with('[');
    let close = text[end..].starts_with(']');
    let placeholder = (open && (close || end == text.len())) || (close && start == 0);
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
        .is_none_or(|c| !is_alphanumeric(c))
}

fn is_word_boundary_after(text: &str, pos: usize) -> bool {
    text[pos..]
        .chars()
        .next()
        .is_none_or(|c| !is_alphanumeric(c))
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
    fn words_do_not_reach_past_a_scrub_marker() {
        assert_eq!(after_last_marker("ученик [NAME] !"), " !");
        assert_eq!(after_last_marker("AME] и "), " и ");
        assert_eq!(after_last_marker("ИИН IIN-RBPKLSTFDTTGBJGK, "), ", ");
        assert_eq!(after_last_marker("ИИН IIN-RBPK"), "");
        assert_eq!(
            after_last_marker("ученик [5] и Wi-Fi, ИИН "),
            "ученик [5] и Wi-Fi, ИИН "
        );
        assert_eq!(after_last_marker("KZ-ABC "), "KZ-ABC ");
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

    /// Every answer of a combined scan equals what the list's own automaton gives on the same
    /// part of the window, over generated windows full of overlapping, nested, glued and
    /// differently cased words.
    #[test]
    fn combined_lists_answer_as_each_list_alone() {
        let lists: [&[&str]; 4] = [
            &["ИИН", "ИИНа", "iin", "тел", "телефон"],
            &["инн", "ИНН", "заказ", "заказа", "счёт", "счёт-фактура", "№"],
            &["no", "nr", "№", "#", "платёжное поручение", "поручение"],
            &["тг", "tg", "₸", "$", "акт", "контакт"],
        ];
        let pieces = [
            "ИИН",
            "иин",
            "Иин",
            "ИИНа",
            "ИИННН",
            "iIn",
            "IIN",
            "тел",
            "ТЕЛЕФОН",
            "Телефон",
            "инн",
            "заказа",
            "ЗАКАЗ",
            "счёт-фактура",
            "СЧЁТ",
            "фактура",
            "№",
            "#",
            "##",
            "no",
            "NO",
            "nr",
            "платёжное поручение",
            "поручение",
            "тг",
            "ТГ",
            "tg",
            "₸",
            "$",
            "контакт",
            "акт",
            " ",
            " ",
            "-",
            ".",
            ":",
            "1",
            "42",
            "a",
            "я",
            "ә",
            "\u{a0}",
        ];
        let combined = WordLists::new(lists);
        let alone: Vec<ContextWords> = lists.iter().map(|l| ContextWords::new(*l)).collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..3000 {
            let mut window = String::new();
            for _ in 0..next(16) {
                window.push_str(pieces[next(pieces.len())]);
            }
            let scan = combined.scan(&window);
            let bounds: Vec<usize> = (0..=window.len())
                .filter(|&i| window.is_char_boundary(i))
                .collect();
            for _ in 0..8 {
                let a = bounds[next(bounds.len())];
                let b = bounds[next(bounds.len())];
                let (a, b) = (a.min(b), a.max(b));
                for (i, words) in alone.iter().enumerate() {
                    let want = words.find_in(&window[a..b]).map(|(s, e)| (a + s, a + e));
                    assert_eq!(
                        scan.last_in(i, a..b),
                        want,
                        "list {i} in {:?}",
                        &window[a..b]
                    );
                    assert_eq!(
                        scan.last(i),
                        words.find_in(&window),
                        "list {i} in {window:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_window_with_too_many_occurrences_is_answered_list_by_list() {
        let combined = WordLists::new([["#"], ["##"]]);
        let window = "#".repeat(3 * MAX_OCCURRENCES) + " ## x";
        let scan = combined.scan(&window);
        assert!(scan.overflow);
        let n = window.len();
        assert_eq!(scan.last(1), Some((n - 4, n - 2)));
        assert_eq!(scan.last(0), Some((n - 3, n - 2)));
        assert_eq!(scan.last_in(1, 0..n - 5), Some((n - 7, n - 5)));
    }

    /// Found by `tests/props.rs` (idempotence): tazala's own placeholders and pseudonyms
    /// read as context words in a second scrub.
    #[test]
    fn regression_placeholders_and_pseudonyms_are_no_context() {
        let words = ContextWords::new(["iin", "name"]);
        assert_eq!(words.find_in("[NAME] Dana"), None);
        assert_eq!(words.find_in("1427 IIN-KHNLSTCMLHPGKGTP"), None);
        assert_eq!(words.find_in("[IIN]"), None);
        // Cut by a window on either side (found by `tests/props.rs`, 400 cases).
        assert_eq!(words.find_in("NAME] 8710 0840 1427   :"), None);
        assert_eq!(words.find_in("871008401427 [IIN"), None);
        assert!(words.occurs_in("IIN: 871008401427"));
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
