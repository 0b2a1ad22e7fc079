//! Column classification: once per column, from its header and a sample of its values, decide
//! which kind of data the column holds, and keep the evidence.
//!
//! | evidence | result | source |
//! |---|---|---|
//! | a policy rule names the column and sets `kind` | that kind (see `policy`) | the user |
//! | ≥ 80 % of the sampled values are each wholly one kind K (`normalize`, `Scope::Alone`, or a detector finding spanning the value) | K, whatever the header says | issue 4: values decide (`col_7`, misleading headers) |
//! | no kind reaches 80 %, the header is no free-text synonym, and the values as a whole look like names (`NameDetector::profile`: ≥ 60 % of values score ≥ 0.5, mean ≥ 0.5; first names alone, ALL CAPS, Latin, `?` for lost letters, initials) | name, whatever the header says | issue 3: column mode (a child's name under `col_7`) |
//! | the header is a synonym of K, and ≥ 20 % of sampled values are K in a K column (`Scope::InColumn`; for names: score ≥ 0.5 in the name profile, or found whole by the detector), or fewer than 5 values were sampled | K | domain-kz.md "Column headers" |
//! | the header is a synonym of K but the values say otherwise | as if there were no header | values decide |
//! | the header is a free-text synonym (Комментарий, Пікір, notes…) | text | patterns/headers.toml |
//! | some sampled value holds a finding of a detector | text: every value is searched span by span | |
//! | no header kind, and every sampled value is a pseudonym, placeholder or mask | none (already scrubbed) | |
//! | anything else (grades, dates, statuses, amounts, quasi-identifiers) | none: kept as is | issue 4: statistics kept |
//!
//! Sampled values that are already pseudonyms or placeholders of a kind (`PHONE-…`, `[NAME]`,
//! `pseudonym::scrubbed_kind`) count as values of that kind, so a scrubbed column is classified
//! as its original was and a second scrub changes nothing; masks, integer and untyped pseudonyms
//! are left out of every share. Either way the scrub counts such values as already scrubbed,
//! not as findings.
//! A `none` column is still searched value by value when scrubbed or scanned (see `scrub`),
//! unless a policy rule names it: the sample decides the kind, not what is looked for.
//!
//! What this module is not: it reads no file and applies no action; it sees a header string and
//! a slice of sample values.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::detect::name::NameDetector;
use crate::detect::{DetectorSet, Kind};
use crate::normalize::{self, Scope};
use crate::pseudonym;

/// How many non-empty values of a column are sampled.
pub const SAMPLE_VALUES: usize = 1000;
/// Share of sampled values of one kind above which values decide the column's kind.
const VALUES_DECIDE: f32 = 0.8;
/// Share of sampled values of the header's kind needed for the header to stand.
const HEADER_STANDS: f32 = 0.2;
/// Below this many judged values the header stands alone.
const FEW_VALUES: usize = 5;

const HEADERS_TOML: &str = include_str!("../patterns/headers.toml");

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnKind {
    /// Every value is one identifier or name of this kind.
    Value(Kind),
    /// Prose that may hold personal data anywhere: searched span by span.
    Text,
    /// Nothing personal found: statistics, dates, statuses.
    NotPersonal,
}

impl ColumnKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Value(k) => k.as_str(),
            ColumnKind::Text => "text",
            ColumnKind::NotPersonal => "none",
        }
    }

    pub fn value_kind(self) -> Option<Kind> {
        match self {
            ColumnKind::Value(k) => Some(k),
            _ => None,
        }
    }
}

impl fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ColumnKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(ColumnKind::Text),
            "none" => Ok(ColumnKind::NotPersonal),
            other => other
                .parse::<Kind>()
                .map(ColumnKind::Value)
                .map_err(|_| format!("unknown column kind '{s}' (known: iin, bin, phone, email, messenger, card, name, text, none)")),
        }
    }
}

impl Serialize for ColumnKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ColumnKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Why a column got its kind. Holds counts and synonyms, never values.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// The header synonym that matched and the kind it names (`quasi` for quasi-identifiers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderMatch>,
    /// Non-empty values sampled.
    pub sampled: usize,
    /// Sampled values that were already pseudonyms, placeholders or masks.
    pub scrubbed: usize,
    /// Share of the judged values (sampled − scrubbed) that are wholly of each kind.
    pub whole_value_share: BTreeMap<Kind, f32>,
    /// Share of the judged values that are the header's kind, judged as in such a column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_kind_share: Option<f32>,
    /// Share of the judged values in which a detector found something.
    pub with_findings_share: f32,
    /// Share of the judged values that look like a name taken alone (name column mode), when
    /// the name profile was consulted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_value_share: Option<f32>,
    /// Which rule of the table above decided.
    pub decided_by: &'static str,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HeaderMatch {
    pub kind: String,
    pub synonym: String,
}

/// A column's kind and the evidence for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnClass {
    pub kind: ColumnKind,
    pub evidence: Evidence,
}

/// What a header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HeaderLabel {
    Kind(ColumnKind),
    Quasi,
}

struct Synonym {
    label: HeaderLabel,
    original: String,
    words: Vec<String>,
    compact: String,
}

/// The header synonyms, compiled once. `Send + Sync`.
pub struct Classifier {
    synonyms: Vec<Synonym>,
    not_name: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadersFile {
    kinds: BTreeMap<String, Vec<String>>,
    quasi: Quasi,
    not_name: NotName,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Quasi {
    synonyms: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotName {
    words: Vec<String>,
}

/// Lower-case, fold, and split a header into words at anything that is not a letter or digit.
pub fn header_words(header: &str) -> Vec<String> {
    normalize::fold(header)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl Classifier {
    /// The classifier with the synonyms embedded from `patterns/headers.toml`.
    pub fn builtin() -> Self {
        Self::from_toml(HEADERS_TOML).expect("patterns/headers.toml is valid (tested)")
    }

    fn from_toml(text: &str) -> Result<Self, String> {
        let file: HeadersFile = toml::from_str(text).map_err(|e| e.to_string())?;
        // Order of kinds breaks ties between equally long matches.
        let order = [
            "iin",
            "bin",
            "phone",
            "email",
            "messenger",
            "card",
            "name",
            "text",
        ];
        for key in file.kinds.keys() {
            if !order.contains(&key.as_str()) {
                return Err(format!("patterns/headers.toml: unknown kind '{key}'"));
            }
        }
        let mut synonyms = Vec::new();
        let mut push = |label: HeaderLabel, original: &str| {
            let words = header_words(original);
            let compact = words.concat();
            synonyms.push(Synonym {
                label,
                original: original.to_string(),
                words,
                compact,
            });
        };
        for key in order {
            let kind: ColumnKind = key.parse()?;
            for s in file.kinds.get(key).into_iter().flatten() {
                push(HeaderLabel::Kind(kind), s);
            }
        }
        for s in &file.quasi.synonyms {
            push(HeaderLabel::Quasi, s);
        }
        let not_name = file
            .not_name
            .words
            .iter()
            .flat_map(|w| header_words(w))
            .collect();
        Ok(Classifier { synonyms, not_name })
    }

    /// The synonym a header matches, if any (see patterns/headers.toml for the rule).
    fn match_header(&self, header: &str) -> Option<&Synonym> {
        let words = header_words(header);
        if words.is_empty() {
            return None;
        }
        let compact = words.concat();
        let mut best: Option<(usize, &Synonym)> = None;
        for s in &self.synonyms {
            if s.words.is_empty() {
                continue;
            }
            let score = if s.compact == compact {
                usize::MAX
            } else if words
                .windows(s.words.len())
                .any(|w| w == s.words.as_slice())
            {
                if s.label == HeaderLabel::Kind(ColumnKind::Value(Kind::Name))
                    && words.iter().any(|w| self.not_name.contains(w))
                {
                    continue;
                }
                s.words.len()
            } else {
                continue;
            };
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, s));
            }
        }
        best.map(|(_, s)| s)
    }

    /// Classifies one column from its header and its first non-empty values.
    pub fn classify(&self, header: &str, sample: &[&str], detectors: &DetectorSet) -> ColumnClass {
        let header_match = self.match_header(header);
        let header_label = header_match.map(|s| s.label);
        let header_kind = match header_label {
            Some(HeaderLabel::Kind(ColumnKind::Value(k))) => Some(k),
            _ => None,
        };
        let mut evidence = Evidence {
            header: header_match.map(|s| HeaderMatch {
                kind: match s.label {
                    HeaderLabel::Kind(k) => k.as_str().to_string(),
                    HeaderLabel::Quasi => "quasi".to_string(),
                },
                synonym: s.original.clone(),
            }),
            ..Evidence::default()
        };

        let mut whole: BTreeMap<Kind, usize> = BTreeMap::new();
        let mut header_kind_hits = 0usize;
        let mut with_findings = 0usize;
        let mut findings = Vec::new();
        let mut judged_values: Vec<&str> = Vec::with_capacity(sample.len());
        let (mut marked, mut marked_names) = (0usize, 0usize);
        for value in sample.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
            evidence.sampled += 1;
            if pseudonym::is_scrubbed(value) {
                evidence.scrubbed += 1;
                // A typed marker stands for a value of its kind, so a scrubbed column is
                // classified as its original was (scrubbing twice changes nothing).
                if let Some(k) = pseudonym::scrubbed_kind(value) {
                    marked += 1;
                    *whole.entry(k).or_default() += 1;
                    with_findings += 1;
                    if header_kind == Some(k) {
                        header_kind_hits += 1;
                    }
                    if k == Kind::Name {
                        marked_names += 1;
                    }
                }
                continue;
            }
            judged_values.push(value);
            if let Some(k) = header_kind
                && normalize::whole_value(k, value, Scope::InColumn).is_some()
            {
                header_kind_hits += 1;
            }
            detectors.find_into(value, &mut findings);
            findings.retain(|f| !pseudonym::is_scrubbed(&value[f.start..f.end]));
            let by_detector = match findings.as_slice() {
                [f] if f.start == 0 && f.end == value.len() => Some(f.kind),
                _ => None,
            };
            // The shapes are read only when the detectors did not find the value whole.
            let by_shape = || {
                Kind::ALL
                    .into_iter()
                    .find(|k| normalize::whole_value(*k, value, Scope::Alone).is_some())
            };
            if let Some(k) = by_detector.or_else(by_shape) {
                *whole.entry(k).or_default() += 1;
                if header_kind == Some(Kind::Name) && k == Kind::Name {
                    header_kind_hits += 1;
                }
            }
            if !findings.is_empty() {
                with_findings += 1;
            }
        }
        let judged = evidence.sampled - evidence.scrubbed + marked;
        let share = |n: usize| {
            if judged == 0 {
                0.0
            } else {
                n as f32 / judged as f32
            }
        };
        evidence.whole_value_share = whole.iter().map(|(k, n)| (*k, share(*n))).collect();
        evidence.with_findings_share = share(with_findings);
        evidence.header_kind_share = header_kind.map(|_| share(header_kind_hits));

        let by_kind = whole
            .iter()
            .max_by_key(|(k, n)| (**n, std::cmp::Reverse(**k)))
            .filter(|(_, n)| share(**n) >= VALUES_DECIDE)
            .map(|(k, _)| *k);
        // Column mode for names: values that are names only taken as a whole (a first name
        // alone, damaged, in capitals) say "name column" where no single kind dominates. A
        // free-text header keeps its column searched span by span.
        let text_header = header_label == Some(HeaderLabel::Kind(ColumnKind::Text));
        let consult_names = by_kind.is_none()
            && detectors.kinds().contains(&Kind::Name)
            && judged > 0
            && !text_header;
        let names = consult_names.then(|| {
            NameDetector::builtin()
                .profile(judged_values)
                .with_names(marked_names)
        });
        evidence.name_value_share = names.map(|v| v.share);
        let by_values = by_kind.or(names.filter(|v| v.is_name).map(|_| Kind::Name));
        if header_kind == Some(Kind::Name)
            && let Some(v) = names
        {
            // Either reading of a value as a name supports a name header.
            let hits = header_kind_hits.max((v.share * judged as f32).round() as usize);
            header_kind_hits = hits;
            evidence.header_kind_share = Some(share(hits));
        }
        let (kind, decided_by) = if let Some(k) = by_values {
            let agree = header_kind == Some(k);
            (
                ColumnKind::Value(k),
                if agree { "header and values" } else { "values" },
            )
        } else if let Some(k) =
            header_kind.filter(|_| judged < FEW_VALUES || share(header_kind_hits) >= HEADER_STANDS)
        {
            (ColumnKind::Value(k), "header")
        } else if header_label == Some(HeaderLabel::Kind(ColumnKind::Text)) {
            (ColumnKind::Text, "header")
        } else if with_findings > 0 {
            (ColumnKind::Text, "findings in values")
        } else if judged == 0 && evidence.scrubbed > 0 {
            (ColumnKind::NotPersonal, "values already scrubbed")
        } else if header_kind.is_some() {
            (ColumnKind::NotPersonal, "values contradict header")
        } else {
            (ColumnKind::NotPersonal, "nothing found")
        };
        evidence.decided_by = decided_by;
        ColumnClass { kind, evidence }
    }

    /// Whether the header names a quasi-identifier (date of birth, address, school…).
    pub fn is_quasi(&self, header: &str) -> bool {
        self.match_header(header)
            .is_some_and(|s| s.label == HeaderLabel::Quasi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(header: &str, values: &[&str]) -> ColumnClass {
        Classifier::builtin().classify(header, values, &DetectorSet::builtin())
    }

    fn kind_of_header(header: &str) -> Option<String> {
        Classifier::builtin()
            .match_header(header)
            .map(|s| match s.label {
                HeaderLabel::Kind(k) => k.as_str().to_string(),
                HeaderLabel::Quasi => "quasi".to_string(),
            })
    }

    #[test]
    fn headers_file_parses_and_every_synonym_has_words() {
        let c = Classifier::builtin();
        assert!(c.synonyms.len() > 100);
        assert!(
            c.synonyms.iter().all(|s| !s.words.is_empty()),
            "a synonym of punctuation only"
        );
    }

    #[test]
    fn header_synonyms_in_three_languages() {
        for (header, kind) in [
            ("ИИН", "iin"),
            ("  иин ученика ", "iin"),
            ("ЖСН", "iin"),
            ("IIN", "iin"),
            ("Ф.И.О.", "name"),
            ("ФИО родителя", "name"),
            ("Аты-жөні", "name"),
            ("Аты жони", "name"),
            ("Оқушының аты-жөні", "name"),
            ("full_name", "name"),
            ("Full Name", "name"),
            ("Телефон родителя", "phone"),
            ("Ұялы телефон", "phone"),
            ("Контактный телефон", "phone"),
            ("E-mail", "email"),
            ("Эл. почта", "email"),
            ("Электрондық пошта", "email"),
            ("Telegram", "messenger"),
            ("БИН", "bin"),
            ("Комментарий", "text"),
            ("Пікір", "text"),
            ("Дата рождения", "quasi"),
        ] {
            assert_eq!(kind_of_header(header).as_deref(), Some(kind), "{header}");
        }
        for header in [
            "col_7",
            "value",
            "Оценка",
            "course_name",
            "Название курса",
            "Имя файла",
        ] {
            assert_eq!(kind_of_header(header), None, "{header}");
        }
    }

    #[test]
    fn header_decides_when_values_agree_or_are_few() {
        let c = classify("ИИН", &["871008401427", "61211600012", "8710 0840 1427"]);
        assert_eq!(c.kind, ColumnKind::Value(Kind::Iin));
        let c = classify("ФИО", &["Жумабекова Айгерим", "Иванов Иван"]);
        assert_eq!(c.kind, ColumnKind::Value(Kind::Name));
        // With the name detector the values agree with the header.
        assert_eq!(c.evidence.decided_by, "header and values");
    }

    #[test]
    fn values_decide_without_a_header() {
        let iins = [
            "871008401427",
            "760212350620",
            "800416300257",
            "031231500126",
            "680503450037",
        ];
        let c = classify("col_7", &iins);
        assert_eq!(c.kind, ColumnKind::Value(Kind::Iin));
        assert_eq!(c.evidence.decided_by, "values");
        let phones = [
            "+7 701 123 45 67",
            "87771234567",
            "8 (727) 293-85-89",
            "+77051112233",
            "87479876543",
        ];
        assert_eq!(
            classify("value", &phones).kind,
            ColumnKind::Value(Kind::Phone)
        );
        let emails = [
            "a.b@mail.ru",
            "c@gmail.com",
            "x@school.edu.kz",
            "qq@mail.kz",
            "zz@bk.ru",
        ];
        assert_eq!(classify("x", &emails).kind, ColumnKind::Value(Kind::Email));
    }

    #[test]
    fn values_overrule_a_misleading_header() {
        let phones = [
            "+7 701 123 45 67",
            "87771234567",
            "8 (727) 293-85-89",
            "+77051112233",
            "87479876543",
        ];
        let c = classify("ИИН", &phones);
        assert_eq!(c.kind, ColumnKind::Value(Kind::Phone));
        let yes_no = ["да", "нет", "да", "да", "нет", "нет"];
        let c = classify("Телефон", &yes_no);
        assert_eq!(c.kind, ColumnKind::NotPersonal);
        assert_eq!(c.evidence.decided_by, "values contradict header");
    }

    #[test]
    fn statistics_and_decoys_are_not_personal() {
        let grades = ["5", "4", "87.5", "100", "3"];
        assert_eq!(classify("Оценка", &grades).kind, ColumnKind::NotPersonal);
        // Checksum-valid but not IIN-shaped, and wrong check digits.
        let decoys = [
            "871308401428",
            "871008701426",
            "901123300255",
            "123456789012",
            "000000000000",
        ];
        assert_eq!(classify("order_id", &decoys).kind, ColumnKind::NotPersonal);
    }

    #[test]
    fn scrubbed_values_keep_the_kind_they_tell() {
        let c = classify("ИИН", &["IIN-BCDFGHJKLMNPRSTV", "IIN-VTSRPNMLKJHGFDCB"]);
        assert_eq!(c.kind, ColumnKind::Value(Kind::Iin));
        assert_eq!(c.evidence.scrubbed, 2);
        let c = classify("col_7", &["IIN-BCDFGHJKLMNPRSTV", "[IIN]"]);
        assert_eq!(c.kind, ColumnKind::Value(Kind::Iin));
        let c = classify("col_7", &["********1427", "ID-VTSRPNMLKJHGFDCB"]);
        assert_eq!(c.kind, ColumnKind::NotPersonal);
        assert_eq!(c.evidence.decided_by, "values already scrubbed");
        // Found by the idempotence property test: a grouped IIN beside a phone is free text;
        // with the phone pseudonymised it must stay free text, not become an IIN column.
        let once = classify("Комментарий", &["8710 0840 1427", "+7 701 234 56 78"]);
        let twice = classify("Комментарий", &["8710 0840 1427", "PHONE-BCDFGHJKLMNPRSTV"]);
        assert_eq!(once.kind, ColumnKind::Text);
        assert_eq!(twice.kind, once.kind);
    }

    #[test]
    fn text_header_makes_a_text_column() {
        let c = classify("Комментарий", &["Позвонить маме после урока", "ок"]);
        assert_eq!(c.kind, ColumnKind::Text);
    }

    #[test]
    fn a_column_of_names_is_a_name_column_whatever_its_header() {
        let columns: [&[&str]; 5] = [
            // First names alone, some also words (Арман, Роза), one with a lost letter.
            &[
                "Айгерим",
                "Нұрлан",
                "Данияр",
                "Кенжег?л",
                "Сандугаш",
                "Роза",
                "Алихан",
                "Арман",
                "Аружан",
                "Милана",
            ],
            // Latin, passport style and not.
            &[
                "AIGERIM", "Nurlan", "Dana", "YERLAN", "Assel", "Zhanna", "Kassym", "Madina",
                "Timur", "Aruzhan",
            ],
            // Full names in capitals, and with initials.
            &[
                "ЖУМАБЕКОВА АЙГЕРИМ",
                "Сулейменов Н.А.",
                "ИВАНОВ ИВАН ПЕТРОВИЧ",
                "Жумабекова А.Б.",
                "А.Б. Ахметова",
                "ТОҚАЕВ АРМАН",
                "Кенжег?л Асанова",
                "Петрова Мария",
                "Нурланова Дана",
                "Серикбаев Ерлан",
            ],
            // Surnames only, some damaged.
            &[
                "Ахметова",
                "Сулейменов",
                "Т?лепбергенова",
                "Иванов",
                "Нурланов",
                "Кузнецова",
                "Жаксыбаева",
                "Смирнов",
                "Абенов",
                "Оспанова",
            ],
            // Lower case, as some exports keep them.
            &[
                "айгерим",
                "нурлан",
                "данияр",
                "аружан",
                "алихан",
                "мадина",
                "ерлан",
                "асель",
                "тимур",
                "дана",
            ],
        ];
        for values in columns {
            for header in ["col_7", "child", "value", "Ребёнок"] {
                let c = classify(header, values);
                assert_eq!(
                    c.kind,
                    ColumnKind::Value(Kind::Name),
                    "{header}: {values:?}"
                );
            }
        }
    }

    #[test]
    fn places_schools_courses_months_and_statuses_are_not_names() {
        let columns: [&[&str]; 6] = [
            &[
                "Астана",
                "Алматы",
                "Шымкент",
                "Караганда",
                "Абай",
                "Актобе",
                "Тараз",
                "Павлодар",
                "Семей",
                "Туркестан",
            ],
            &[
                "Школа им. Абая",
                "Лицей имени Абая",
                "Назарбаев Интеллектуальная школа",
                "Гимназия им. Ы. Алтынсарина",
                "Абай атындағы мектеп",
                "Школа-лицей им. Жамбыла",
                "Колледж им. Ауэзова",
                "НИШ им. Назарбаева",
                "Гимназия им. Пушкина",
                "Лицей им. Сатпаева",
            ],
            &[
                "Основы программирования",
                "Английский язык",
                "История Казахстана",
                "Подготовка к ЕНТ",
                "Робототехника",
                "Ментальная арифметика",
                "Шахматы",
                "Подготовка к школе",
                "Каллиграфия",
                "Web-дизайн",
            ],
            &[
                "Январь",
                "Февраль",
                "Март",
                "Апрель",
                "Май",
                "Сентябрь",
                "Октябрь",
                "Наурыз",
                "Маусым",
                "Қыркүйек",
            ],
            &[
                "Активен",
                "Завершён",
                "Отчислен",
                "В архиве",
                "Оплачено",
                "Не оплачено",
                "Новый",
                "Ожидает",
                "Закрыт",
                "Отменён",
            ],
            &[
                "Жақсы",
                "Өте жақсы",
                "Қанағаттанарлық",
                "Отлично",
                "Хорошо",
                "Удовлетворительно",
                "Зачтено",
                "Не зачтено",
                "Керемет",
                "Орташа",
            ],
        ];
        for values in columns {
            for header in ["col_7", "Город", "value", "Статус"] {
                let c = classify(header, values);
                assert_ne!(
                    c.kind,
                    ColumnKind::Value(Kind::Name),
                    "{header}: {values:?}"
                );
            }
        }
    }

    #[test]
    fn a_name_header_stands_only_with_some_names() {
        let c = classify("ФИО", &["да", "нет", "да", "да", "нет", "нет"]);
        assert_eq!(c.kind, ColumnKind::NotPersonal);
        assert_eq!(c.evidence.decided_by, "values contradict header");
        let c = classify(
            "ФИО",
            &[
                "Сандугаш Ақмаржан",
                "Ж?ніс Ерке",
                "Айгерим",
                "—",
                "?",
                "нет данных",
            ],
        );
        assert_eq!(c.kind, ColumnKind::Value(Kind::Name));
    }

    #[test]
    fn a_comment_column_stays_text() {
        let c = classify(
            "Комментарий",
            &[
                "Айгерим",
                "Нурлан молодец",
                "Данияр",
                "Арман",
                "Мадина",
                "Ерлан",
            ],
        );
        assert_eq!(c.kind, ColumnKind::Text);
    }

    #[test]
    fn kinds_parse_for_policies() {
        assert_eq!("text".parse::<ColumnKind>(), Ok(ColumnKind::Text));
        assert_eq!("none".parse::<ColumnKind>(), Ok(ColumnKind::NotPersonal));
        assert_eq!(
            "iin".parse::<ColumnKind>(),
            Ok(ColumnKind::Value(Kind::Iin))
        );
        assert!("passport".parse::<ColumnKind>().is_err());
    }
}
