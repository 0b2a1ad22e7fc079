//! Synthetic text that looks like Kazakhstan LMS/CRM data, with exact labels of the personal
//! data planted in it: the ground truth for accuracy tests and the input of benchmarks.
//!
//! Records are course comments, support tickets, parent chat messages, teacher notes, CRM
//! call notes, enrolment requests, payment notifications, log lines and exported rows, in
//! Russian, Kazakh and English and mixes of them. Into them go IINs, BINs, phones, emails,
//! messenger handles, card numbers and person names in the written forms of
//! `shared/design/domain-kz.md`, and look-alikes that must not be found (order and contract
//! numbers, timestamps, IBANs, amounts, `@channel` mentions, `logo@2x.png`, schools named
//! after people). Spans follow the conventions every detector follows, and are exact by
//! construction: the generator writes the text and knows where it put each value.
//!
//! Deterministic: one [`Spec`] gives byte-identical output on every machine (own PRNG, integer
//! arithmetic only), so the committed corpus under `fixtures/corpus/` is provably what this
//! code makes (a test regenerates it).
//!
//! Not a source of realistic *statistics*: value forms and kinds are spread to exercise the
//! detectors, not in the proportions of any real export. Nothing here is real personal data.

mod names;
mod rng;
mod template;
mod values;

pub use names::NameColumn;
pub use rng::Rng;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::detect::Kind;
use template::{Filler, templates};

/// One labelled span of a record: byte offsets into the record's text, end exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Label {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// One record: a line of text (no line breaks) and its labels, in order of position.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub text: String,
    pub labels: Vec<Label>,
    /// The genre of the template it came from (`support`, `parent`, `log`, …).
    pub genre: &'static str,
}

/// Whether records carry planted values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plant {
    /// Personal data and look-alikes, labelled.
    Pii,
    /// Neither: the same templates with neutral fillers (PII-free prose for benchmarks).
    Nothing,
}

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spec {
    pub seed: u64,
    pub records: usize,
    pub plant: Plant,
}

impl Spec {
    /// The corpus committed under `fixtures/corpus/`.
    pub const CORPUS: Spec = Spec {
        seed: 0x7A2A_1A2A,
        records: 15_000,
        plant: Plant::Pii,
    };

    /// The same records without planted values.
    pub fn without_pii(self) -> Spec {
        Spec {
            plant: Plant::Nothing,
            ..self
        }
    }
}

/// Generated records.
#[derive(Clone, Debug, PartialEq)]
pub struct Corpus {
    pub records: Vec<Record>,
}

impl Corpus {
    pub fn generate(spec: Spec) -> Corpus {
        let all = templates();
        let records = (0..spec.records)
            .map(|i| {
                let mut rng = Rng::for_item(spec.seed, i as u64);
                let t = rng.pick(all);
                record(&mut rng, t, spec.plant)
            })
            .collect();
        Corpus { records }
    }

    /// Text with one record per line, each ending in `\n`.
    pub fn text(&self) -> String {
        let mut out = String::with_capacity(self.records.iter().map(|r| r.text.len() + 1).sum());
        for r in &self.records {
            out.push_str(&r.text);
            out.push('\n');
        }
        out
    }

    /// The labels as JSON lines in the form `tazala detect` prints:
    /// `{"line":N,"start":B,"end":B,"kind":"iin"}`, lines numbered from 1.
    pub fn labels_jsonl(&self) -> String {
        let mut out = String::new();
        for (i, r) in self.records.iter().enumerate() {
            for l in &r.labels {
                writeln!(
                    out,
                    r#"{{"line":{},"start":{},"end":{},"kind":"{}"}}"#,
                    i + 1,
                    l.start,
                    l.end,
                    l.kind
                )
                .expect("writing to a String cannot fail");
            }
        }
        out
    }

    /// How many labels of each kind.
    pub fn counts(&self) -> BTreeMap<Kind, usize> {
        let mut counts = BTreeMap::new();
        for l in self.records.iter().flat_map(|r| &r.labels) {
            *counts.entry(l.kind).or_insert(0) += 1;
        }
        counts
    }
}

fn record(rng: &mut Rng, t: &template::Template, plant: Plant) -> Record {
    let mut f = Filler::new(rng, t.lang, plant == Plant::Pii);
    f.fill(t);
    Record {
        text: f.text,
        labels: f.labels,
        genre: t.genre,
    }
}

/// The records of `fixtures/sample.txt`: about thirty, one from every few templates, so a
/// reader sees every genre and language (`tazala detect fixtures/sample.txt` in the README).
pub fn sample() -> Corpus {
    const LINES: usize = 30;
    let all = templates();
    let records = (0..LINES)
        .map(|i| {
            let mut rng = Rng::for_item(0x5A3B_1E00, i as u64);
            // Spread over the file, which is ordered by genre and language.
            let t = &all[(i * all.len() + all.len() / 2) / LINES];
            record(&mut rng, t, Plant::Pii)
        })
        .collect();
    Corpus { records }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Spec {
        Spec {
            seed: 11,
            records: 2000,
            plant: Plant::Pii,
        }
    }

    #[test]
    fn same_spec_same_bytes() {
        let a = Corpus::generate(small());
        let b = Corpus::generate(small());
        assert_eq!(a.text(), b.text());
        assert_eq!(a.labels_jsonl(), b.labels_jsonl());
        assert_ne!(
            a.text(),
            Corpus::generate(Spec {
                seed: 12,
                ..small()
            })
            .text()
        );
    }

    #[test]
    fn labels_are_sorted_disjoint_and_on_char_boundaries() {
        for r in Corpus::generate(small()).records {
            let mut prev_end = 0;
            for l in &r.labels {
                assert!(l.start >= prev_end, "{:?} overlaps in {}", l, r.text);
                assert!(r.text.is_char_boundary(l.start) && r.text.is_char_boundary(l.end));
                prev_end = l.end;
            }
        }
    }

    #[test]
    fn every_kind_is_planted_and_prose_has_none() {
        let c = Corpus::generate(small());
        for k in Kind::ALL {
            assert!(c.counts().get(&k).copied().unwrap_or(0) > 10, "{k}");
        }
        let prose = Corpus::generate(small().without_pii());
        assert!(prose.counts().is_empty());
        assert!(!prose.text().contains('@'));
    }

    #[test]
    fn labelled_values_have_their_shape() {
        for r in Corpus::generate(small()).records {
            for l in &r.labels {
                let v = &r.text[l.start..l.end];
                let digits: String = v.chars().filter(char::is_ascii_digit).collect();
                match l.kind {
                    Kind::Iin | Kind::Bin => assert_eq!(digits.len(), 12, "{v}"),
                    Kind::Phone => assert!(matches!(digits.len(), 10 | 11), "{v}"),
                    Kind::Email => assert_eq!(v.matches('@').count(), 1, "{v}"),
                    Kind::Messenger => assert!(v.starts_with('@') || v.contains("t.me/"), "{v}"),
                    Kind::Card if v.contains('*') => assert_eq!(digits.len(), 10, "{v}"),
                    Kind::Card => assert!(values::luhn_valid(&digits), "{v}"),
                    // `?` stands for a Kazakh capital lost in a Windows-1251 file.
                    Kind::Name => {
                        assert!(v.starts_with(|c: char| c.is_uppercase() || c == '?'), "{v}")
                    }
                }
            }
        }
    }
}
