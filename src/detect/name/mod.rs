//! Detector of person names (kind `name`) in free text and in name columns, without a model:
//! dictionaries, morphology and context.
//!
//! A *name part* is a capitalised word (or initials `А.Б.`) that the dictionaries or the
//! morphology can read as a given name, surname or patronymic (see `morph`); adjacent parts,
//! separated by spaces only, merge into one finding that spans the whole name as written
//! (`Ахметова Айгерим Нурлановна`, `Ахметова А.Б.`, `А.Б. Ахметова`, `Айгерімге`).
//! `normalized` is the folded form of the parts (see `fold`).
//!
//! | evidence | result | source |
//! |---|---|---|
//! | two or more adjacent parts, one of them strong (a given name, a surname built from one, a patronymic) | name, 0.95 | domain-kz.md forms |
//! | initials next to a capitalised word (Ахметова А.Б., A. Zhumabekova) | name, 0.9 | domain-kz.md forms |
//! | one strong part alone (Айгерімге, Нурланович, Жумабековой) | name, 0.85 | domain-kz.md inflection |
//! | two weak parts, one not an ordinary word (Голованова Вера) | name, 0.7 | |
//! | a weak or unknown word after a cue (меня зовут, ФИО, ученик, құрметті…) or before апай/ағай/мырза/ханым | name, 0.75 | domain-kz.md cues |
//! | an unknown word between two parts, or next to a strong part in an ALL-CAPS run (`ZHUMABEKOVA SANDUGASH`) | joins the name | passport style |
//! | ұлы/қызы written apart after a name (Нұрлан ұлы) | joins the name | domain-kz.md patronymics |
//! | ordinary word, place, Kazakh word alone (Роза, Астана, Арман, Абай) | nothing | domain-kz.md traps |
//! | after им./ул./ТОО…, before атындағы/көшесі/Интеллектуальная школа… | nothing: an organisation | domain-kz.md traps |
//! | month, weekday, subject, unknown word at a sentence start | not a part | |
//!
//! Column mode ([`NameDetector::value_score`], [`NameDetector::profile`]) judges a value as a
//! whole, in any case, for the column classifier.
//!
//! Not here: lower-case names in free text (too ambiguous without a column), nicknames, and the
//! decision to treat every value of a name column as a name (the classifier's).

mod column;
mod dict;
mod fold;
mod lists;
mod morph;
mod rules;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub use column::ColumnVerdict;

use super::context::{after_last_marker, window_before};
use super::{Detector, Finding, Kind};
use dict::Dictionary;
use fold::{exact_hash, fold_into, is_name_char, skeleton};
use morph::{Analysis, GIVEN, PARTICLE, PATRONYMIC, SHAPED, SURNAME};
use rules::{Context, RuleFile};

/// Finds person names. Cheap to create and clone: the dictionaries are built once per process,
/// on first use, and shared.
#[derive(Clone, Copy, Debug, Default)]
pub struct NameDetector {}

/// What the detector builds once: the dictionary table and the context rules.
struct Built {
    dict: Dictionary,
    ctx: Context,
    load_time: Duration,
}

static BUILT: OnceLock<Built> = OnceLock::new();

impl Built {
    fn new() -> Self {
        let t = Instant::now();
        let r = RuleFile::builtin();
        // A cue word is never itself a name part (Құрметті, Уважаемая, Ученик), nor is an
        // organisation word (Назарбаев Университет is not a name with a rare part).
        let mut stop = r.stop.clone();
        let single = |w: &&String| !w.contains([' ', '.']);
        let words = r
            .cues_before
            .iter()
            .chain(&r.cues_after)
            .chain(&r.org_after);
        stop.extend(words.filter(single).cloned());
        let dict = Dictionary::build(&r.ambiguous, &stop, &r.places);
        let ctx = Context::new(&r);
        Built {
            dict,
            ctx,
            load_time: t.elapsed(),
        }
    }
}

/// Figures about the embedded dictionaries, for the README and `--version`-style output.
#[derive(Clone, Copy, Debug)]
pub struct DictionaryStats {
    /// Distinct lookup keys.
    pub keys: usize,
    /// Compressed bytes embedded in the binary.
    pub embedded_bytes: usize,
    /// Time the first use spent decompressing and building the table.
    pub load_time: Duration,
}

impl NameDetector {
    /// The detector with the rules of `patterns/names.toml` and the lists of `patterns/names/`.
    pub fn builtin() -> Self {
        NameDetector {}
    }

    /// The detector with its dictionaries built now rather than at its first text: a
    /// [`DetectorSet`](super::DetectorSet) builds its detectors side by side.
    pub fn prepared() -> Self {
        let d = NameDetector::builtin();
        d.built();
        d
    }

    fn built(&self) -> &'static Built {
        BUILT.get_or_init(Built::new)
    }

    /// Builds the dictionaries now (otherwise the first search does) and says what they hold.
    pub fn stats(&self) -> DictionaryStats {
        let b = self.built();
        DictionaryStats {
            keys: b.dict.len(),
            embedded_bytes: dict::EMBEDDED_BYTES,
            load_time: b.load_time,
        }
    }
}

impl Detector for NameDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Name]
    }

    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        // One token buffer per thread, taken and put back: most lines have a capital or two,
        // and a fresh vector would be an allocation per line.
        let mut tokens = TOKENS.take();
        tokens.clear();
        scan(text, &mut tokens);
        if !tokens.is_empty() {
            let b = self.built();
            for t in &mut tokens {
                t.analyse(text, &b.dict);
            }
            judge(text, &tokens, b, out);
        }
        TOKENS.set(tokens);
    }
}

/// One capitalised word or one initial.
#[derive(Clone, Debug)]
struct Token {
    start: usize,
    end: usize,
    initial: bool,
    an: Analysis,
    /// Every letter upper case (and more than one letter).
    caps: bool,
    /// Nothing but spaces, quotes or dashes since the start of the text or a `.!?…`.
    sentence_start: bool,
    /// Skeleton too short or missing: not a name part whatever the dictionaries say.
    unusable: bool,
    /// Written in Latin letters.
    latin: bool,
}

impl Token {
    fn analyse(&mut self, text: &str, d: &Dictionary) {
        if self.initial || self.unusable {
            return;
        }
        let word = &text[self.start..self.end];
        // Keyed by the word as written, not by its folded hash: the analysis also depends on
        // what folding merges (Шұға has Kazakh letters, шуга is a Russian word), and a key that
        // merged them would make the result depend on which spelling a thread met first.
        let written = written_hash(word);
        (self.an, self.unusable) = CACHE.with_borrow_mut(|cache| {
            // Two ways per set, the most recent first.
            let set = ((written as usize) & (CACHE_SLOTS / 2 - 1)) * 2;
            if cache[set].0 != written {
                if cache[set + 1].0 == written {
                    cache.swap(set, set + 1);
                } else {
                    cache[set + 1] = cache[set];
                    cache[set] = (written, analyse_word(word, exact_hash(word), d));
                }
            }
            cache[set].1
        });
        // A short ALL-CAPS word is an acronym (ИИН, ЕНТ, ROB) unless it can be a name, and even
        // then only next to another part (BEKZATOVA DANA).
        if self.caps && word.chars().count() <= 4 {
            if !self.an.is_name_part() {
                self.unusable = true;
            }
            self.an.weak |= self.an.strong;
            self.an.strong = 0;
        }
    }

    fn strong(&self) -> bool {
        self.an.strong & (GIVEN | SHAPED | PATRONYMIC) != 0
    }

    /// A listed surname of no particular shape, not an ordinary word: strong in company only.
    fn plain_surname(&self) -> bool {
        self.an.strong & SURNAME != 0
    }

    fn weak(&self) -> bool {
        !self.strong() && !self.plain_surname() && self.an.weak != 0
    }

    /// Capitalised, not a name part by any reading, not excluded either (a rare name, or an
    /// ordinary word when `common`).
    fn unknown(&self) -> bool {
        !self.initial && !self.unusable && !self.an.stop && !self.an.is_name_part()
    }

    /// A weak reading as a given name or patronymic (Роза, Арман).
    fn weak_given(&self) -> bool {
        self.weak() && self.an.weak & (GIVEN | PATRONYMIC) != 0
    }

    /// An ordinary word that some list also has as a surname of no particular shape
    /// (Благодарим, Мороз): at the edge of a run it is just a capitalised word.
    fn dubious(&self) -> bool {
        self.an.common && self.an.strong == 0 && self.an.weak & !SURNAME == 0
    }

    fn blocks(&self) -> bool {
        !self.initial && (self.unusable || self.an.stop)
    }
}

/// Words analysed per thread, by [`written_hash`]: names and sentence starts repeat, and a
/// word's analysis is a few dozen table lookups. Two-way set-associative (a clash of two
/// frequent words would otherwise recompute both every time); a miss just recomputes.
const CACHE_SLOTS: usize = 1 << 15;

thread_local! {
    static CACHE: std::cell::RefCell<Vec<(u64, (Analysis, bool))>> =
        std::cell::RefCell::new(vec![(0, (Analysis::default(), false)); CACHE_SLOTS]);
    static TOKENS: std::cell::Cell<Vec<Token>> = const { std::cell::Cell::new(Vec::new()) };
}

/// FNV-1a of the word's bytes: the per-thread cache key.
fn written_hash(word: &str) -> u64 {
    word.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A word's readings and whether it is unusable (too short to judge).
fn analyse_word(word: &str, exact: u64, d: &Dictionary) -> (Analysis, bool) {
    let Some(s) = skeleton(word).filter(|s| s.len() >= 3) else {
        return (Analysis::default(), true);
    };
    let script = script_of(word);
    let mut an = morph::analyse(d, &s, script, Some(exact));
    // Ә written AE inside a Latin word (Saersenbi); -AE- is also -ае- (Baeva).
    if script == morph::Script::Latin && !an.is_name_part() {
        let lower = word.to_ascii_lowercase();
        if lower.contains("ae")
            && let Some(s) = skeleton(&lower.replace("ae", "a"))
        {
            an = morph::analyse(d, &s, script, None);
        }
    }
    // Words with Kazakh letters are no Russian words (Шұға, not шуга "slush").
    if an.common
        && word.chars().any(fold::is_kazakh_letter)
        && d.get_exact(exact) & !dict::COMMON & dict::AMBIGUOUS == 0
    {
        an = morph::analyse(d, &s, script, None).without_russian_words();
    }
    (an, false)
}

/// Latin when the word has no Cyrillic letter (homoglyphs inside a Cyrillic word are Cyrillic).
fn script_of(word: &str) -> morph::Script {
    if word.chars().any(fold::is_cyrillic) {
        morph::Script::Cyrillic
    } else {
        morph::Script::Latin
    }
}

/// Bytes at which a capital letter or a `?` can start: ASCII capitals, `?`, and every lead
/// byte of a multi-byte character but D1 (U+0440–U+047F, lower-case Cyrillic). Lower-case
/// text, the bulk of any line, is skipped a byte at a time without decoding.
const MAY_START_CAPITAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(b as u8, b'A'..=b'Z' | b'?') || (b >= 0xC2 && b != 0xD1);
        b += 1;
    }
    t
};

/// Finds capitalised words and initials. Allocates nothing when there are none.
fn scan(text: &str, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        let b = bytes[i];
        // а..п, the most frequent letters, then р..я: lower case, two bytes.
        if (b == 0xD0 && bytes.get(i + 1).is_some_and(|&c| c >= 0xB0)) || b == 0xD1 {
            i += 2;
            continue;
        }
        if !MAY_START_CAPITAL[b as usize] {
            i += 1;
            continue;
        }
        let (upper, len) = if b == b'?' {
            // A capital Kazakh letter lost in Windows-1251 (?лбосын, ?аниевой).
            // Or a lost initial (Мансуров О.?., Жасұланов ?.Н.).
            let next = text[i + 1..].chars().next();
            let lost_initial = next == Some('.') && (i == 0 || matches!(bytes[i - 1], b'.' | b' '));
            (
                lost_initial || next.is_some_and(|c| c.is_lowercase() && is_name_char(c)),
                1,
            )
        } else if b < 0x80 {
            (true, 1)
        } else if (0xD0..=0xD3).contains(&b) && i + 1 < n {
            // Cyrillic block U+0400–U+04FF: upper case is U+0400–U+042F, and the even code
            // points of U+0460–U+04FF (Ғ Қ Ң Ү Ұ Һ Ә Ө).
            let c = bytes[i + 1];
            let upper = (b == 0xD0 && c < 0xB0) || (b >= 0xD2 && c.is_multiple_of(2) && c != 0x82);
            (upper, 2)
        } else {
            let ch = text[i..].chars().next().expect("char boundary");
            (ch.is_uppercase(), ch.len_utf8())
        };
        // A capital inside a word (iPhone, 7А) starts nothing.
        if !upper || letter_before(text, i) {
            i += len;
            continue;
        }
        let end = word_end(text, i).max(i + len);
        let mut tok = Token {
            start: i,
            end,
            initial: false,
            an: Analysis::default(),
            caps: false,
            sentence_start: at_sentence_start(text, i),
            unusable: false,
            latin: b < 0x80 && b != b'?',
        };
        // Glued to an identifier (Veselova_V@bk.ru, @Aybike_D, user.Name): not a word.
        let glued = |c: Option<char>| c.is_some_and(|c| matches!(c, '_' | '@' | '/' | '\\'));
        if glued(text[end..].chars().next()) || glued(text[..i].chars().next_back()) {
            tok.unusable = true;
        }
        // A pseudonym tazala wrote (`IIN-RCLRGLTSFBBSTTNK`) is no name, even after a cue.
        if is_pseudonym(&text[i..end]) {
            tok.unusable = true;
        }
        let one_letter = end == i + len;
        if one_letter && bytes.get(end) == Some(&b'.') {
            tok.initial = true;
            tok.end = end + 1;
        } else {
            tok.caps = !one_letter && !has_lower_case(&text[i..end]);
        }
        i = tok.end;
        out.push(tok);
    }
}

/// Whether the character before byte `pos` is a letter or digit (`?` is not: it may be a
/// lost letter before a capital, or punctuation).
fn letter_before(text: &str, pos: usize) -> bool {
    match text[..pos].chars().next_back() {
        None | Some('?') => false,
        Some(c) if c.is_ascii() => c.is_ascii_alphanumeric(),
        Some('\u{0400}'..='\u{04FF}') => true,
        Some(c) => is_name_char(c),
    }
}

/// Whether a word has a lower-case letter; ASCII and Russian without decoding.
fn has_lower_case(word: &str) -> bool {
    let b = word.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1).copied().unwrap_or(0)) {
            (b'a'..=b'z', _) | (0xD0, 0xB0..=0xBF) | (0xD1, 0x80..=0x9F) => return true,
            (0x00..=0x7F, _) => i += 1,
            (0xD0, _) => i += 2,
            _ => {
                let c = word[i..].chars().next().expect("char boundary");
                if c.is_lowercase() {
                    return true;
                }
                i += c.len_utf8();
            }
        }
    }
    false
}

/// `KIND-` and 16 capital letters: the shape of a pseudonym (see `pseudonym`).
fn is_pseudonym(word: &str) -> bool {
    word.rsplit_once('-').is_some_and(|(kind, token)| {
        !kind.is_empty()
            && kind.bytes().all(|b| b.is_ascii_uppercase())
            && token.len() == 16
            && token.bytes().all(|b| b.is_ascii_uppercase())
    })
}

/// End of the word starting at `start`: letters, combining marks, and `-`/`?` between letters.
fn word_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut end = start;
    // Cyrillic (two bytes, lead D0–D3) and ASCII letters without decoding: nearly every word.
    loop {
        match bytes.get(end) {
            Some(b) if b.is_ascii_alphabetic() => end += 1,
            Some(0xD0..=0xD3) if end + 1 < bytes.len() => end += 2,
            _ => break,
        }
    }
    // Most words end at a space or a punctuation mark.
    match bytes.get(end) {
        None => return end,
        Some(&b) if b < 0x80 && b != b'-' && b != b'?' => return end,
        _ => {}
    }
    let mut it = text[end..].char_indices().peekable();
    let base = end;
    while let Some((off, c)) = it.next() {
        let next_is_letter = it.peek().is_some_and(|&(_, n)| is_name_char(n));
        let joins = is_name_char(c)
            || (c == '-' && base + off > start && next_is_letter)
            || (c == '?' && (next_is_letter || end > start));
        if !joins {
            break;
        }
        end = base + off + c.len_utf8();
    }
    end
}

fn at_sentence_start(text: &str, pos: usize) -> bool {
    for c in text[..pos].chars().rev() {
        match c {
            ' ' | '\t' | '\u{a0}' | '"' | '«' | '“' | '\'' | '(' | '—' | '–' | '-' => {
                continue;
            }
            '.' | '!' | '?' | '…' | '\n' | '\r' => return true,
            _ => return false,
        }
    }
    true
}

/// Whether a cue word ends right before `pos`, with only separators between (ФИО: Ахметова;
/// меня зовут Айару). An unknown word needs a cue this close; a weak reading makes do with the
/// cue window.
fn cue_right_before(text: &str, pos: usize, c: &Context) -> bool {
    let head = text[..pos].trim_end_matches(|ch: char| {
        ch.is_whitespace() || matches!(ch, ':' | ',' | ';' | '-' | '—' | '–' | '"' | '«' | '(')
    });
    c.cue_right_before.ends(head, 32)
}

/// An organisation word right before `pos` (им. Абая, ул. Сатпаева, ТОО «Нурлан»).
fn org_right_before(text: &str, pos: usize, c: &Context) -> bool {
    let head = text[..pos].trim_end_matches(|ch: char| ch.is_whitespace() || "«\"'“(".contains(ch));
    c.org_before.ends(head, c.org_before_window)
}

/// An organisation word right after `pos` (Абай атындағы, Назарбаев Университет).
fn org_right_after(text: &str, pos: usize, c: &Context) -> bool {
    let tail =
        text[pos..].trim_start_matches(|ch: char| ch.is_whitespace() || "»\"'”)".contains(ch));
    let word_end = tail
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '-'))
        .unwrap_or(tail.len());
    word_end > 0 && c.org_after.has_part(&tail[..word_end])
}

/// The gap between two tokens of one name: spaces only (none after an initial's dot).
fn joinable(text: &str, a: &Token, b: &Token) -> bool {
    let gap = &text[a.end..b.start];
    if gap.is_empty() {
        return a.initial;
    }
    gap.len() <= 4 && gap.chars().all(|c| matches!(c, ' ' | '\t' | '\u{a0}'))
}

/// `ұлы`/`қызы` written apart right after `end`: returns the end of the particle.
fn particle_after(text: &str, end: usize, d: &Dictionary) -> Option<usize> {
    let rest = &text[end..];
    let skip = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
    if skip == 0 || skip > 2 {
        return None;
    }
    let start = end + skip;
    // Only a word whose skeleton can start with u, k or a lost letter (see `morph::may_be_particle`).
    let first = text[start..].chars().next()?;
    if !matches!(
        first,
        'у' | 'У'
            | 'ұ'
            | 'Ұ'
            | 'ү'
            | 'Ү'
            | 'ў'
            | 'Ў'
            | 'к'
            | 'К'
            | 'қ'
            | 'Қ'
            | 'u'
            | 'U'
            | 'k'
            | 'K'
            | 'q'
            | 'Q'
            | 'c'
            | 'C'
            | 'y'
            | 'Y'
            | '?'
            | 'ü'
            | 'Ü'
            | 'ú'
            | 'ù'
            | 'û'
            | 'ū'
            | 'Ū'
            | '\u{0300}'..='\u{036F}'
    ) {
        return None;
    }
    let w_end = word_end(text, start);
    if w_end == start || text[start..w_end].chars().count() > 10 {
        return None;
    }
    let w = &text[start..w_end];
    let s = skeleton(w).filter(morph::may_be_particle)?;
    (morph::analyse(d, &s, script_of(w), Some(exact_hash(w))).strong == PARTICLE).then_some(w_end)
}

/// Groups tokens into names and decides which are names.
fn judge(text: &str, tokens: &[Token], b: &Built, out: &mut Vec<Finding>) {
    let mut i = 0;
    while i < tokens.len() {
        // A run of joinable tokens, cut at words that can never be name parts.
        if tokens[i].blocks() {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut end = tokens[i].end;
        let mut particle = false;
        loop {
            if let Some(p) = particle_after(text, end, &b.dict) {
                end = p;
                particle = true;
            }
            // After "Ахметова А.Б." the name is over: a word after its initials starts anew.
            let closed = tokens[j - 1].initial
                && tokens.get(j).is_some_and(|t| !t.initial)
                && tokens[i..j].iter().any(|t| t.an.is_name_part());
            if j < tokens.len()
                && !closed
                && !tokens[j].blocks()
                && end == tokens[j - 1].end
                && joinable(text, &tokens[j - 1], &tokens[j])
            {
                end = tokens[j].end;
                j += 1;
            } else {
                break;
            }
        }
        let before = i.checked_sub(1).map(|k| &tokens[k]);
        decide(text, before, &tokens[i..j], end, particle, b, out);
        i = j;
    }
}

/// Judges one run of tokens; `before` is the token before it, if any.
fn decide(
    text: &str,
    before: Option<&Token>,
    run: &[Token],
    run_end: usize,
    particle: bool,
    b: &Built,
    out: &mut Vec<Finding>,
) {
    // Most capitalised words in prose are ordinary words at a sentence start: no cue precedes
    // them, so they are dropped before any context is searched.
    let has_part = |t: &Token| t.initial || t.an.is_name_part();
    if run[0].sentence_start && !run.iter().any(has_part) && !particle {
        return;
    }
    let all_caps = run.len() >= 2 && run.iter().all(|t| t.caps || t.initial);
    let strong_any = run.iter().any(|t| t.strong());
    let c = &b.ctx;
    let cue_first = std::cell::OnceCell::new();
    let cue_next_first = || *cue_first.get_or_init(|| cue_right_before(text, run[0].start, c));
    // Unknown words join between parts, next to a strong part, right after a cue, or in an
    // ALL-CAPS run with a strong part (passport style); an unknown word at a sentence start is
    // just a capitalised word.
    let keep = |k: usize| -> bool {
        let t = &run[k];
        if !(t.unknown() || t.dubious()) || (all_caps && strong_any) {
            return true;
        }
        if run.len() <= 3 && cue_next_first() {
            return true;
        }
        if t.sentence_start || t.dubious() {
            return false;
        }
        let before = run[..k].iter().any(|x| !x.unknown());
        let after = run[k + 1..].iter().any(|x| !x.unknown());
        // Next to a strong part, a capitalised word that is no ordinary word is the rest of the
        // name (Kazakh surnames may have no suffix: Сейткали Гулим; Досгали Айбекулы), in the
        // same script (Логин Veselova is a label and a surname).
        let same = |x: &Token| x.strong() && x.latin == t.latin;
        let next_to_strong = (k > 0 && same(&run[k - 1])) || run.get(k + 1).is_some_and(same);
        (before && after) || (next_to_strong && !t.an.common)
    };
    let mut lo = 0;
    let mut hi = run.len();
    while lo < hi && !keep(lo) {
        lo += 1;
    }
    while hi > lo && !keep(hi - 1) {
        hi -= 1;
    }
    if lo == hi {
        return;
    }
    let parts = &run[lo..hi];
    let start = parts[0].start;
    let end = if hi == run.len() {
        run_end
    } else {
        parts[parts.len() - 1].end
    };
    let count = |f: fn(&Token) -> bool| parts.iter().filter(|t| f(t)).count();
    let strong = count(Token::strong);
    let plain = count(Token::plain_surname);
    let weak = count(Token::weak);
    let weak_given = count(Token::weak_given);
    let weak_uncommon = count(|t| t.weak() && !t.an.common);
    // Given name and surname shape, however ordinary each word alone (Лапина Милана).
    let weak_shaped = count(|t| t.weak() && t.an.weak & SHAPED != 0 && t.an.weak & GIVEN == 0);
    let initials = count(|t| t.initial);
    let unknown = count(Token::unknown);
    let n = parts.len() + usize::from(particle);
    let words = n - initials;
    let mut confidence = if words == 0 {
        0.0
    } else if strong >= 1 && n >= 2 {
        0.95
    } else if initials >= 1 || (plain >= 1 && n >= 2 && (weak_given >= 1 || plain >= 2)) {
        0.9
    } else if strong == 1 && n == 1 {
        if parts[0].sentence_start { 0.8 } else { 0.85 }
    } else if particle && (weak + plain) >= 1 {
        0.8
    } else if weak_given >= 1 && weak >= 2 && (weak_uncommon >= 1 || weak_shaped >= 1) {
        0.7
    } else {
        0.0
    };
    if confidence == 0.0 && words > 0 && (weak + plain + unknown) >= 1 {
        // Weak readings need a cue nearby; unknown words one right before them.
        let cue_near = || {
            let mut window = after_last_marker(window_before(text, start, c.cue_window));
            // A cue names the word after it: a word in between that can be no name part and is
            // no cue itself (Ученица НИШ Алматы) took it.
            if let Some(t) = before.filter(|t| t.blocks()) {
                let word = &text[t.start..t.end];
                let window_start = start - window.len();
                if t.end > window_start && !c.cues_before.occurs_in(word) {
                    window = &text[t.end..start];
                }
            }
            c.cues_before.occurs_in(window) || c.cues_after.after(text, end, c.cue_window.min(12))
        };
        let cue_next = || cue_right_before(text, start, c) || c.cues_after.after(text, end, 8);
        if (weak + plain >= 1 && cue_near()) || (unknown >= 1 && cue_next()) {
            confidence = 0.75;
        }
    }
    if confidence == 0.0
        || org_right_before(text, start, c)
        || (!particle && org_right_after(text, end, c))
    {
        return;
    }
    let mut normalized = String::with_capacity(end - start);
    for w in text[start..end].split_whitespace() {
        if !normalized.is_empty() {
            normalized.push(' ');
        }
        fold_into(w, &mut normalized);
    }
    out.push(Finding {
        start,
        end,
        kind: Kind::Name,
        confidence,
        normalized,
    });
}

#[cfg(test)]
mod tests;
