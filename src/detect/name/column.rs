//! Column mode: does a column hold person names? Judged from its values as a whole, in any
//! case, so that the classifier can treat every non-empty value of a name column as a name,
//! damaged or unknown ones included.
//!
//! | evidence (one value) | score | source |
//! |---|---|---|
//! | digits, `@`, more than five words, or no letters | 0 | names have none |
//! | every word a name part, one strong (`Ахметова Айгерим`, `Айгерим`, `ZHUMABEKOVA A.`) | 1.0 | dictionaries, morphology |
//! | a word is a weak reading only (shape, or also a word: `Роза`, `Голованова`) | 0.6 each | |
//! | a word is an ordinary word or place and nothing else (`Астана`, `Математика`) | 0.1 each | OpenCorpora, mimesis, names.toml |
//! | an unknown word (a rare or misspelt name, `Сандугаш`) | 0.35 each | |
//! | month, weekday, subject | 0 each | names.toml |
//! | an organisation word (им., имени, атындағы, школа, лицей…) | 0 for the value | names.toml `org_before`, `org_after` |
//!
//! | evidence (the column) | verdict |
//! |---|---|
//! | ≥ 60 % of non-empty values score ≥ 0.5 and the mean score ≥ 0.5 | a name column |
//!
//! Not here: headers (the classifier weighs them), and what to do with the column.

use super::fold::{exact_hash, skeleton};
use super::morph::{self, GIVEN, PARTICLE, PATRONYMIC, SHAPED, SURNAME};
use super::script_of;
use super::{Built, NameDetector};

/// Share of values that must look like names for a column to be a name column.
pub const MIN_SHARE: f32 = 0.6;
/// A value scoring at least this looks like a name.
pub const VALUE_THRESHOLD: f32 = 0.5;

/// The column mode's answer about one column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColumnVerdict {
    /// Whether the column holds person names.
    pub is_name: bool,
    /// Share of non-empty values that score at least [`VALUE_THRESHOLD`].
    pub share: f32,
    /// Mean value score over non-empty values.
    pub mean_score: f32,
    /// Non-empty values seen.
    pub values: usize,
}

impl NameDetector {
    /// How much one value, alone, looks like a person's name (or part of one): `0.0..=1.0`.
    pub fn value_score(&self, value: &str) -> f32 {
        score(self.built(), value)
    }

    /// Whether a column's values look like names; empty values are ignored.
    pub fn profile<'a, I>(&self, values: I) -> ColumnVerdict
    where
        I: IntoIterator<Item = &'a str>,
    {
        let d = self.built();
        let (mut n, mut hits, mut sum) = (0usize, 0usize, 0f32);
        for v in values {
            if v.trim().is_empty() {
                continue;
            }
            let s = score(d, v);
            n += 1;
            sum += s;
            hits += usize::from(s >= VALUE_THRESHOLD);
        }
        if n == 0 {
            return ColumnVerdict {
                is_name: false,
                share: 0.0,
                mean_score: 0.0,
                values: 0,
            };
        }
        let share = hits as f32 / n as f32;
        let mean_score = sum / n as f32;
        ColumnVerdict {
            is_name: share >= MIN_SHARE && mean_score >= VALUE_THRESHOLD,
            share,
            mean_score,
            values: n,
        }
    }
}

impl ColumnVerdict {
    /// The verdict with `names` more values that are names for certain (name pseudonyms and
    /// placeholders of a scrubbed column), each scored 1.
    pub fn with_names(self, names: usize) -> ColumnVerdict {
        if names == 0 {
            return self;
        }
        let n = self.values as f32;
        let total = n + names as f32;
        let share = (self.share * n + names as f32) / total;
        let mean_score = (self.mean_score * n + names as f32) / total;
        ColumnVerdict {
            is_name: share >= MIN_SHARE && mean_score >= VALUE_THRESHOLD,
            share,
            mean_score,
            values: self.values + names,
        }
    }
}

fn score(b: &Built, value: &str) -> f32 {
    let d = &b.dict;
    let v = value.trim();
    if v.is_empty() || v.bytes().any(|b| b.is_ascii_digit() || b == b'@') {
        return 0.0;
    }
    let words_of = || {
        v.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '?' && c != '.'))
            .filter(|w| !w.is_empty())
    };
    // Prose is no name: counted before any word is analysed.
    if words_of().nth(5).is_some() {
        return 0.0;
    }
    let mut words = 0usize;
    let mut sum = 0f32;
    let mut strong = false;
    // An organisation is named after a person, it is not one (Школа им. Абая, Абай атындағы
    // мектеп, Назарбаев Интеллектуальная школа).
    // One letter is an initial (С., Г.), not с. or г.
    let org = |w: &str| {
        w.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
            && (b.ctx.org_before.has_part(w) || b.ctx.org_after.has_part(w))
    };
    if words_of().any(org) {
        return 0.0;
    }
    for w in words_of() {
        words += 1;
        // Initials: А.Б. / A. / А.Б
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        if w.contains('.') && letters.len() <= 3 && letters.iter().all(|c| c.is_uppercase()) {
            sum += 0.8;
            continue;
        }
        let w = w.trim_end_matches('.');
        let Some(s) = skeleton(w) else {
            continue;
        };
        if s.len() < 2 {
            continue;
        }
        let a = morph::analyse(d, &s, script_of(w), Some(exact_hash(w)));
        let roles = GIVEN | SHAPED | PATRONYMIC | SURNAME | PARTICLE;
        sum += if a.stop {
            0.0
        } else if a.strong & roles != 0 {
            strong = true;
            1.0
        } else if a.weak != 0 && !a.common {
            0.6
        } else if a.weak != 0 {
            0.45
        } else if a.common {
            0.1
        } else {
            0.35
        };
    }
    if words == 0 {
        return 0.0;
    }
    let mean = sum / words as f32;
    if strong { mean.max(0.5) } else { mean }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det() -> NameDetector {
        NameDetector::builtin()
    }

    #[test]
    fn full_names_score_high_in_any_case() {
        for v in [
            "Ахметова Айгерим Нурлановна",
            "АХМЕТОВА АЙГЕРИМ",
            "ахметова айгерим",
            "Ахметова А.Б.",
            "ZHUMABEKOVA AIGERIM",
            "Айгерим",
            "Сулейменұлы Нұрлан",
        ] {
            assert!(det().value_score(v) >= 0.9, "{v}: {}", det().value_score(v));
        }
    }

    #[test]
    fn damaged_and_rare_names_still_score_something() {
        assert!(det().value_score("Кенжег?л") >= VALUE_THRESHOLD);
        // Initials С. and Г. are no с. (село) or г. (город).
        assert!(det().value_score("Ахметова С. Г.") >= VALUE_THRESHOLD);
        let rare = det().value_score("Ақмаржанша");
        assert!(rare > 0.2 && rare < VALUE_THRESHOLD, "{rare}");
    }

    #[test]
    fn other_values_score_low() {
        for v in [
            "Астана",
            "Математика",
            "87011234567",
            "a@b.kz",
            "",
            "Январь",
            "Курс по Python для начинающих с нуля",
            "Школа им. Абая",
            "Абай атындағы мектеп",
            "Мектеп-гимназия им. Мағжана Жұмабаева",
            "Назарбаев Интеллектуальная школа",
        ] {
            assert!(
                det().value_score(v) < VALUE_THRESHOLD,
                "{v}: {}",
                det().value_score(v)
            );
        }
    }

    #[test]
    fn a_first_name_column_with_damaged_values_is_a_name_column() {
        let col = [
            "Айгерим",
            "Нұрлан",
            "Данияр",
            "Кенжег?л",
            "Сандугаш",
            "",
            "Роза",
            "Алихан",
        ];
        let v = det().profile(col);
        assert!(v.is_name, "{v:?}");
        assert_eq!(v.values, 7);
    }

    #[test]
    fn a_city_or_course_column_is_not() {
        let cities = [
            "Астана",
            "Алматы",
            "Шымкент",
            "Караганда",
            "Атырау",
            "Актобе",
        ];
        assert!(!det().profile(cities).is_name);
        let courses = [
            "Математика",
            "Физика 7 класс",
            "Английский язык",
            "История Казахстана",
        ];
        assert!(!det().profile(courses).is_name);
        assert!(!det().profile(Vec::<&str>::new()).is_name);
    }
}
