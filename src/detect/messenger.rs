//! Detector of messenger accounts: Telegram `t.me/` links and `@handle`s named as messenger
//! accounts.
//!
//! What it is not: WhatsApp numbers (`wa.me/77011234567`) are phone numbers and belong to the
//! phone detector; `@` inside an e-mail address belongs to the e-mail detector; an `@handle`
//! with no messenger word near it is left alone, because in free text `@` also marks mentions,
//! prices and Excel formulas (domain-kz.md, "Emails and messenger accounts").
//!
//! | evidence | result | confidence | source |
//! |---|---|---|---|
//! | no `@` and no `/` in the text | nothing; one `memchr2` pass | — | performance rule, common brief |
//! | handle: 5–32 of `[A-Za-z0-9_]`, first a letter | candidate | — | Telegram username rule (app settings; Bot API docs) |
//! | handle ends in `bot` (any case) | not personal: a bot | — | Telegram Bot API, BotFather: "it must end in `bot`" |
//! | `t.me/handle`, `telegram.me/handle`, with `http(s)://` and `www.` kept in the span | messenger | 0.95 | Telegram link format; span rule, common brief |
//! | `t.me/joinchat/…`, `t.me/+…`, `t.me/addstickers/…` and other reserved paths | not an account | — | `patterns/messenger.toml` `reserved_paths` |
//! | `@handle` with a messenger word (telegram, tg, телеграм, WhatsApp, ватсап, instagram, ник, …) within 40 characters | messenger | 0.85 | domain-kz.md; words in `patterns/messenger.toml` |
//! | `@handle` continuing a list of accounts (`@a_one, @a_two и @a_three`), or in the same clause as one, ≤ 24 characters on without a sentence end (`тг @a, вопросы — в @b`) | messenger | 0.80 | the first handle carries the context; held-out set |
//! | `@name.with.dots` with an Instagram word (instagram, инста, ig …) within 40 characters | messenger | 0.85 | Instagram usernames allow `.` (up to 30 characters); held-out set |
//! | placeholder handle (`@username`, `@your_handle`) | nothing | — | `patterns/messenger.toml` `placeholder_handles` |
//! | `@name(`, `@name/`, or `@name` then a declaration keyword (`@staticmethod def`, `@Component public`) | nothing: a decorator, annotation or package scope | — | Python/Java/TS syntax; `code_keywords`; held-out set (Telegram-bot code in course forums) |
//! | `@handle` with no messenger word near | nothing | — | domain-kz.md: "elsewhere `@` is too ambiguous" |
//! | `@` glued to a letter, digit, `.`, `/` before it (e-mail, URL path `site.kz/@page`) | nothing | — | e-mail / URL, not a handle |
//! | handle glued to a letter, `@`, or `.`/`-` + letter after it (`@mail.ru`, `@ivan-petrov`), no Instagram word | nothing | — | a domain or not a valid handle |
//!
//! Normalised form: the handle lower-cased, without `@` or link (Telegram usernames are
//! case-insensitive). [`normalize_column_value`] applies the same rules to a value of a column
//! already known to hold messenger accounts, where a bare `handle` is accepted too.

use std::sync::OnceLock;

use memchr::memchr2_iter;
use serde::Deserialize;

use super::context::{WordLists, is_alphanumeric};
use super::{Detector, Finding, Kind};

const RULES: &str = include_str!("../../patterns/messenger.toml");

const CONFIDENCE_LINK: f32 = 0.95;
const CONFIDENCE_CONTEXT: f32 = 0.85;
const CONFIDENCE_LIST: f32 = 0.80;
/// How far (in characters, each side) a messenger word may be from an `@handle`: a label and
/// a few words (`Менің телеграмым: `, `пишите в тг: `), not the next sentence.
const CONTEXT_WINDOW: usize = 40;
/// Telegram username length limits.
const MIN_HANDLE: usize = 5;
const MAX_HANDLE: usize = 32;
/// Instagram username length limit (letters, digits, `_` and `.`).
const MAX_INSTAGRAM: usize = 30;
/// Longest gap, in characters and without a sentence end, after which a handle still shares the
/// messenger word of the handle before it (`Тг канал @a, вопросы — в @b`).
const MAX_CLAUSE_GAP: usize = 24;
/// Words allowed between two handles of one list, besides spaces and `, ; / |`.
const LIST_CONJUNCTIONS: [&str; 6] = ["и", "или", "and", "or", "және", "немесе"];
/// Longest gap between two handles of one list, in characters.
const MAX_LIST_GAP: usize = 12;

#[derive(Deserialize)]
struct Rules {
    context_words: Vec<String>,
    instagram_words: Vec<String>,
    reserved_paths: Vec<String>,
    placeholder_handles: Vec<String>,
    code_keywords: Vec<String>,
}

fn rules() -> &'static Rules {
    static RULES_PARSED: OnceLock<Rules> = OnceLock::new();
    RULES_PARSED.get_or_init(|| {
        toml::from_str(RULES).expect("patterns/messenger.toml is embedded and parsed by tests")
    })
}

/// Finds messenger accounts (Telegram handles, t.me links).
#[derive(Clone, Debug)]
pub struct MessengerDetector {
    /// Messenger words and Instagram words of `patterns/messenger.toml`, indexed by
    /// [`MESSENGER_WORDS`] and [`INSTAGRAM_WORDS`].
    words: WordLists,
}

const MESSENGER_WORDS: usize = 0;
const INSTAGRAM_WORDS: usize = 1;

impl MessengerDetector {
    /// The detector with the rules embedded from `patterns/messenger.toml`.
    pub fn builtin() -> Self {
        MessengerDetector {
            words: WordLists::new([&rules().context_words, &rules().instagram_words]),
        }
    }

    /// An `@handle` at byte `at` with a messenger word near it or continuing a list that
    /// ended at `list_end`.
    fn handle_at(&self, text: &str, at: usize, list_end: Option<usize>) -> Option<Finding> {
        if before_is(text, at, |c| {
            is_alphanumeric(c) || matches!(c, '.' | '_' | '%' | '+' | '-' | '/' | '@' | '\\')
        }) {
            return None;
        }
        let mut end = handle_end(text, at + 1);
        if glued_after(text, end) {
            end = self.instagram_end(text, at, end)?;
        }
        let handle = &text[at + 1..end];
        if !is_personal_handle(handle) || is_placeholder(handle) || code_after(text, end) {
            return None;
        }
        let confidence = if self
            .words
            .around(MESSENGER_WORDS, text, at, end, CONTEXT_WINDOW)
        {
            CONFIDENCE_CONTEXT
        } else if list_end
            .is_some_and(|e| e <= at && (is_list_gap(&text[e..at]) || is_same_clause(&text[e..at])))
        {
            CONFIDENCE_LIST
        } else {
            return None;
        };
        Some(finding(at, end, confidence, handle))
    }

    /// The end of an Instagram username with dots (`@zere.nails`, `@school54.astana`) whose
    /// Telegram-style part ends at `end`, when an Instagram word is near; `None` otherwise
    /// (`@mail.ru`, `@ivan-petrov` and dotted handles elsewhere stay unreported).
    fn instagram_end(&self, text: &str, at: usize, end: usize) -> Option<usize> {
        let bytes = text.as_bytes();
        let mut e = end;
        while e < bytes.len() && (is_handle_byte(bytes[e]) || bytes[e] == b'.') {
            e += 1;
        }
        while e > end && bytes[e - 1] == b'.' {
            e -= 1;
        }
        let handle = &text[at + 1..e];
        (handle.len() <= MAX_INSTAGRAM
            && !handle.contains("..")
            && !glued_after(text, e)
            && self
                .words
                .around(INSTAGRAM_WORDS, text, at, e, CONTEXT_WINDOW))
        .then_some(e)
    }
}

impl Detector for MessengerDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Messenger]
    }

    fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let mut floor = 0;
        let mut list_end = None;
        for i in memchr2_iter(b'@', b'/', text.as_bytes()) {
            if i < floor {
                continue;
            }
            let found = if text.as_bytes()[i] == b'@' {
                self.handle_at(text, i, list_end)
            } else {
                link_at(text, i)
            };
            if let Some(f) = found {
                floor = f.end;
                list_end = Some(f.end);
                out.push(f);
            }
        }
    }
}

/// The handle of a value from a column known to hold messenger accounts: `@handle`, `handle`,
/// `t.me/handle` or `https://t.me/handle` (trailing path and query ignored), lower-cased and
/// without `@`. `None` when the value is not a personal Telegram-style account (empty, a bot, a
/// phone number, an invite link): phone numbers in a WhatsApp column are the phone detector's.
pub fn normalize_column_value(value: &str) -> Option<String> {
    let v = value.trim();
    let handle = match v.strip_prefix('@') {
        Some(rest) => rest,
        None => match strip_link_prefix(v) {
            Some(path) => {
                let h = &path[..path.find(['/', '?', '#']).unwrap_or(path.len())];
                if is_reserved(h) {
                    return None;
                }
                h
            }
            None => v,
        },
    };
    (handle.bytes().all(is_handle_byte) && is_personal_handle(handle))
        .then(|| handle.to_ascii_lowercase())
}

/// A `t.me/handle` link whose `/` is at byte `slash`.
fn link_at(text: &str, slash: usize) -> Option<Finding> {
    let head = &text[..slash];
    let host = ["telegram.me", "t.me"]
        .into_iter()
        .find(|h| ends_with_ignore_case(head, h))?;
    let mut start = slash - host.len();
    if ends_with_ignore_case(&text[..start], "www.") {
        start -= 4;
    }
    if let Some(scheme) = ["https://", "http://"]
        .into_iter()
        .find(|s| ends_with_ignore_case(&text[..start], s))
    {
        start -= scheme.len();
    }
    // `robot.me/…`, `chat.me/…`, `x.t.me/…`: another host that merely ends in `t.me`.
    if before_is(text, start, |c| {
        is_alphanumeric(c) || matches!(c, '.' | '-' | '_' | '/' | '@')
    }) {
        return None;
    }
    let end = handle_end(text, slash + 1);
    let handle = &text[slash + 1..end];
    if !is_personal_handle(handle) || is_reserved(handle) || glued_after(text, end) {
        return None;
    }
    Some(finding(start, end, CONFIDENCE_LINK, handle))
}

fn finding(start: usize, end: usize, confidence: f32, handle: &str) -> Finding {
    Finding {
        start,
        end,
        kind: Kind::Messenger,
        confidence,
        normalized: handle.to_ascii_lowercase(),
    }
}

/// `rest` after `https://`, `www.`, `t.me/` (each optional but the host), in any case.
fn strip_link_prefix(v: &str) -> Option<&str> {
    let mut rest = v;
    for prefix in ["https://", "http://"] {
        if starts_with_ignore_case(rest, prefix) {
            rest = &rest[prefix.len()..];
            break;
        }
    }
    if starts_with_ignore_case(rest, "www.") {
        rest = &rest[4..];
    }
    ["t.me/", "telegram.me/"]
        .into_iter()
        .find(|h| starts_with_ignore_case(rest, h))
        .map(|h| &rest[h.len()..])
}

fn is_handle_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn handle_end(text: &str, from: usize) -> usize {
    from + text.as_bytes()[from..]
        .iter()
        .take_while(|&&b| is_handle_byte(b))
        .count()
}

/// A Telegram username of a person: 5–32 of `[A-Za-z0-9_]`, first a letter, not a bot.
fn is_personal_handle(handle: &str) -> bool {
    (MIN_HANDLE..=MAX_HANDLE).contains(&handle.len())
        && handle.as_bytes()[0].is_ascii_alphabetic()
        && !ends_with_ignore_case(handle, "bot")
}

fn is_reserved(path: &str) -> bool {
    rules()
        .reserved_paths
        .iter()
        .any(|r| r.eq_ignore_ascii_case(path))
}

/// Whether the handle ending at `end` runs on into something that is not a handle: a letter of
/// another script, a second `@`, or a domain / hyphenated word (`@mail.ru`, `@ivan-petrov`). A
/// hyphen before a non-ASCII letter is a Kazakh case suffix (`@aigerim_k-ға`), not part of it.
fn glued_after(text: &str, end: usize) -> bool {
    let mut rest = text[end..].chars();
    match rest.next() {
        Some('.') => rest.next().is_some_and(is_alphanumeric),
        Some('-') => rest.next().is_some_and(|c| c.is_ascii_alphanumeric()),
        Some(c) => is_alphanumeric(c) || c == '@',
        None => false,
    }
}

/// Whether `gap` (between two handles) is short and crosses no sentence end: the second handle
/// belongs to the same clause as the first (`Тг канал курса @a, вопросы — в @b`).
fn is_same_clause(gap: &str) -> bool {
    gap.chars().count() <= MAX_CLAUSE_GAP && !gap.contains(['.', '!', '?', '\n', '@'])
}

/// A placeholder written where a handle goes (`"@username"`, `@your_handle`).
fn is_placeholder(handle: &str) -> bool {
    rules()
        .placeholder_handles
        .iter()
        .any(|p| p.eq_ignore_ascii_case(handle))
}

/// Whether the `@name` ending at `end` is code: a decorator or annotation called or followed
/// by a declaration (`@retry(3)`, `@staticmethod def`, `@Component public class`), or a
/// package scope (`@types/node`). Handles in prose are followed by a space, punctuation or a
/// word of the language, not by `(`, `/` or `def`.
fn code_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    if rest.starts_with(['(', '/']) {
        return true;
    }
    let Some(rest) = rest.strip_prefix(' ') else {
        return false;
    };
    let word = &rest[..rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len())];
    !word.is_empty() && rules().code_keywords.iter().any(|k| k == word)
}

/// Whether `gap` (between two handles) holds only list separators: spaces, `, ; / |` and
/// conjunctions (`и`, `or`, `және` …).
fn is_list_gap(gap: &str) -> bool {
    gap.chars().count() <= MAX_LIST_GAP
        && gap
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '|'))
            .all(|w| w.is_empty() || LIST_CONJUNCTIONS.contains(&w.to_lowercase().as_str()))
}

fn before_is(text: &str, pos: usize, pred: impl Fn(char) -> bool) -> bool {
    text[..pos].chars().next_back().is_some_and(pred)
}

fn ends_with_ignore_case(text: &str, suffix: &str) -> bool {
    let (t, s) = (text.as_bytes(), suffix.as_bytes());
    t.len() >= s.len() && t[t.len() - s.len()..].eq_ignore_ascii_case(s)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    let (t, p) = (text.as_bytes(), prefix.as_bytes());
    t.len() >= p.len() && t[..p.len()].eq_ignore_ascii_case(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<(String, String, f32)> {
        let mut out = Vec::new();
        MessengerDetector::builtin().find(text, &mut out);
        out.into_iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.normalized, f.confidence))
            .collect()
    }

    fn spans(text: &str) -> Vec<String> {
        find(text).into_iter().map(|(s, _, _)| s).collect()
    }

    #[test]
    fn decorators_annotations_and_scopes_are_code() {
        for text in [
            "telegram: @retry(times=3) def send()",
            "telegram bot: @staticmethod def send(text)",
            "telegram @Component public class Bot",
            "telegram: npm i @grammyjs/menu",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
        assert_eq!(spans("telegram: @def_user (ok)"), ["@def_user"]);
    }

    #[test]
    fn placeholders_are_not_accounts() {
        assert!(spans("telegram: \"@username\"").is_empty());
        assert!(spans("Telegram: @Your_Handle").is_empty());
    }

    #[test]
    fn a_kazakh_suffix_after_a_hyphen_ends_the_handle() {
        assert_eq!(
            spans("телеграмда @kurator_zhanar-ға жазыңыз"),
            ["@kurator_zhanar"]
        );
        assert_eq!(spans("t.me/olimp_kz-да"), ["t.me/olimp_kz"]);
        assert!(spans("telegram @ivanov-petrov").is_empty());
    }

    #[test]
    fn dotted_handles_need_an_instagram_word() {
        assert_eq!(spans("Instagram: @zere.nails."), ["@zere.nails"]);
        assert!(spans("telegram @zere.nails").is_empty());
        assert!(spans("Instagram: @a..b_c_d").is_empty());
    }

    #[test]
    fn a_handle_in_the_same_clause_shares_the_messenger_word() {
        assert_eq!(
            spans("Тг канал курса @ent_prep_2024, вопросы — в @ent_prep_admin"),
            ["@ent_prep_2024", "@ent_prep_admin"]
        );
        let text = "Мой Telegram: @aigerim_k. Всем спасибо за помощь, особенно @kurator_one";
        assert_eq!(spans(text), ["@aigerim_k"]);
    }

    #[test]
    fn rules_file_parses() {
        assert!(rules().context_words.iter().any(|w| w == "telegram"));
        assert!(rules().reserved_paths.iter().any(|w| w == "joinchat"));
    }

    #[test]
    fn handle_needs_a_messenger_word_nearby() {
        assert_eq!(spans("Telegram: @aigerim_k"), ["@aigerim_k"]);
        assert_eq!(spans("@aigerim_k — мой телеграм"), ["@aigerim_k"]);
        assert!(spans("Подписывайтесь на @aigerim_k").is_empty());
        let far = format!("telegram{}@aigerim_k", " ".repeat(CONTEXT_WINDOW + 1));
        assert!(spans(&far).is_empty());
        // A word glued inside another word is not the messenger word.
        assert!(spans("stgx @aigerim_k").is_empty());
    }

    #[test]
    fn normalizes_to_lower_case_without_at() {
        let got = find("tg: @Aigerim_K");
        assert_eq!(got[0].1, "aigerim_k");
        assert_eq!(got[0].2, CONFIDENCE_CONTEXT);
        let got = find("https://T.ME/Aigerim_K");
        assert_eq!(got[0].0, "https://T.ME/Aigerim_K");
        assert_eq!(got[0].1, "aigerim_k");
    }

    #[test]
    fn lists_continue_from_the_first_handle() {
        let text = "Кураторы в telegram: @kurator_one, @kurator_two, @kurator_three / @kurator_four или @kurator_five";
        let got = find(text);
        assert_eq!(got.len(), 5);
        assert_eq!(got[4].2, CONFIDENCE_LIST);
        // A sentence between the handles breaks the list.
        let text = "telegram: @kurator_one. Завтра в десять утра будет урок у @kurator_two.";
        assert_eq!(spans(text), ["@kurator_one"]);
    }

    #[test]
    fn handle_shape_follows_telegram_rules() {
        assert_eq!(spans("tg @abcde"), ["@abcde"]);
        assert!(spans("tg @abcd").is_empty());
        let max = format!("a{}", "b".repeat(MAX_HANDLE - 1));
        assert_eq!(spans(&format!("tg @{max}")), [format!("@{max}")]);
        assert!(spans(&format!("tg @{max}c")).is_empty());
        assert!(spans("tg @_ivan_k").is_empty());
        assert!(spans("tg @1ivan_k").is_empty());
        assert!(spans("tg @school_bot").is_empty());
        assert!(spans("tg @SchoolBot").is_empty());
    }

    #[test]
    fn at_sign_of_an_email_or_url_is_not_a_handle() {
        for text in [
            "telegram ivan_k@mail.ru",
            "telegram @mail.ru",
            "telegram @ivanov-petrov",
            "telegram @ivan_kов",
            "telegram https://site.kz/@teacher_page",
            "telegram @@ivan_k",
            "telegram @ivan_k@mail.ru",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
        assert_eq!(spans("telegram @ivan_k."), ["@ivan_k"]);
        assert_eq!(spans("telegram (@ivan_k)"), ["@ivan_k"]);
    }

    #[test]
    fn links_include_scheme_and_stop_at_the_handle() {
        assert_eq!(
            spans("см. http://t.me/erlan_kz/15"),
            ["http://t.me/erlan_kz"]
        );
        assert_eq!(spans("(www.t.me/erlan_kz)"), ["www.t.me/erlan_kz"]);
        assert_eq!(
            spans("telegram.me/erlan_kz?start=1"),
            ["telegram.me/erlan_kz"]
        );
        assert_eq!(find("t.me/erlan_kz")[0].2, CONFIDENCE_LINK);
    }

    #[test]
    fn links_to_features_bots_and_other_hosts_are_not_accounts() {
        for text in [
            "https://t.me/joinchat/AAAAAEkqUWE",
            "https://t.me/+AbCdEfGhIjK",
            "t.me/addstickers/Animals",
            "t.me/s/channel",
            "t.me/LmsHelperBot",
            "robot.me/ivanov",
            "chat.me/ivanov",
            "a.t.me/ivanov",
            "wa.me/77011234567",
            "t.me/ivanovич",
        ] {
            assert!(spans(text).is_empty(), "{text}: {:?}", spans(text));
        }
    }

    #[test]
    fn column_values_accept_bare_handles_and_links() {
        assert_eq!(
            normalize_column_value(" @Aigerim_K "),
            Some("aigerim_k".into())
        );
        assert_eq!(
            normalize_column_value("aigerim_k"),
            Some("aigerim_k".into())
        );
        assert_eq!(
            normalize_column_value("https://t.me/Aigerim_K/"),
            Some("aigerim_k".into())
        );
        assert_eq!(
            normalize_column_value("T.me/aigerim_k?start=1"),
            Some("aigerim_k".into())
        );
        for v in [
            "",
            "@",
            "+77011234567",
            "87011234567",
            "aigerim k",
            "@ab",
            "mektep_bot",
            "t.me/joinchat/AAAAAEkqUWE",
            "https://t.me/+AbCdEf",
            "aigerim.k@mail.ru",
        ] {
            assert_eq!(normalize_column_value(v), None, "{v:?}");
        }
    }

    #[test]
    fn text_without_trigger_yields_nothing() {
        assert!(spans("Телеграм и ватсап без аккаунтов, t.me без ссылки").is_empty());
    }
}
