//! Rules as data: the example markup shared by every file under `patterns/`.
//!
//! Each detector embeds its own `patterns/<kind>.toml` (context words, document words, …) and
//! parses the fields it needs. Every such file may also carry examples that a test runs through
//! the whole [`DetectorSet`](crate::detect::DetectorSet), so adding a word or a case never needs
//! a code change:
//!
//! ```toml
//! [[example]]
//! text = "ИИН ученика: ⟦iin:871008401427⟧, тел. ⟦phone:8 701 123 45 67⟧"
//! [[example]]
//! text = "Заказ № 87011234567 от 12.03.2024"   # no markup: nothing may be found
//! ```
//!
//! A span is marked `⟦kind:text⟧`. The expected findings of an example are exactly its marked
//! spans, for the kinds the file's examples cover (`examples_cover`, by default every kind but
//! `name`, whose detector arrives separately).

use serde::Deserialize;

use crate::detect::Kind;

/// One example: the plain text and the spans a detector set must report in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Example {
    pub text: String,
    /// `(start, end, kind)` byte spans into `text`, in order.
    pub expected: Vec<(usize, usize, Kind)>,
}

/// The examples of one patterns file and the kinds they are exhaustive for.
#[derive(Clone, Debug)]
pub struct ExampleSet {
    pub covers: Vec<Kind>,
    pub examples: Vec<Example>,
}

#[derive(Deserialize)]
struct ExampleFile {
    #[serde(default)]
    examples_cover: Option<Vec<Kind>>,
    #[serde(default)]
    example: Vec<ExampleEntry>,
}

#[derive(Deserialize)]
struct ExampleEntry {
    text: String,
}

const OPEN: char = '⟦';
const CLOSE: char = '⟧';

/// Reads the examples of a patterns file's TOML text.
pub fn examples_of(toml_text: &str) -> Result<ExampleSet, String> {
    let file: ExampleFile = toml::from_str(toml_text).map_err(|e| e.to_string())?;
    let covers = file
        .examples_cover
        .unwrap_or_else(|| Kind::ALL.into_iter().filter(|k| *k != Kind::Name).collect());
    let examples = file
        .example
        .iter()
        .map(|e| parse_marked(&e.text))
        .collect::<Result<_, _>>()?;
    Ok(ExampleSet { covers, examples })
}

/// Parses `⟦kind:text⟧` markup into plain text and spans.
pub fn parse_marked(marked: &str) -> Result<Example, String> {
    let mut text = String::with_capacity(marked.len());
    let mut expected = Vec::new();
    let mut rest = marked;
    while let Some(open) = rest.find(OPEN) {
        text.push_str(&rest[..open]);
        let inner_start = open + OPEN.len_utf8();
        let close = rest[inner_start..]
            .find(CLOSE)
            .ok_or_else(|| format!("unclosed {OPEN} in example {marked:?}"))?
            + inner_start;
        let inner = &rest[inner_start..close];
        let (kind, span) = inner
            .split_once(':')
            .ok_or_else(|| format!("{OPEN}{inner}{CLOSE} needs the form {OPEN}kind:text{CLOSE}"))?;
        let kind: Kind = kind.parse()?;
        if span.contains(OPEN) {
            return Err(format!("nested {OPEN} in example {marked:?}"));
        }
        let start = text.len();
        text.push_str(span);
        expected.push((start, text.len(), kind));
        rest = &rest[close + CLOSE.len_utf8()..];
    }
    if rest.contains(CLOSE) {
        return Err(format!("stray {CLOSE} in example {marked:?}"));
    }
    text.push_str(rest);
    Ok(Example { text, expected })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_marked_spans() {
        let e = parse_marked("ИИН ⟦iin:871008401427⟧ и ⟦email:a@b.kz⟧.").unwrap();
        assert_eq!(e.text, "ИИН 871008401427 и a@b.kz.");
        assert_eq!(e.expected, vec![(7, 19, Kind::Iin), (23, 29, Kind::Email)]);
        assert_eq!(&e.text[7..19], "871008401427");
    }

    #[test]
    fn rejects_broken_markup() {
        assert!(parse_marked("⟦iin:123").is_err());
        assert!(parse_marked("⟦passport:123⟧").is_err());
        assert!(parse_marked("⟦123⟧").is_err());
        assert!(parse_marked("123⟧").is_err());
    }

    #[test]
    fn default_cover_is_every_kind_but_name() {
        let set = examples_of("[[example]]\ntext = \"x\"\n").unwrap();
        assert!(!set.covers.contains(&Kind::Name));
        assert!(set.covers.contains(&Kind::Iin));
    }
}
