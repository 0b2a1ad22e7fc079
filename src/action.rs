//! Actions: what happens to personal data in a column or in a span of free text.
//!
//! | action | identifier column (whole value) | free-text column (each finding) |
//! |---|---|---|
//! | `keep` | unchanged | the whole value unchanged |
//! | `drop` | the column is removed | the column is removed |
//! | `null` | empty value | empty value |
//! | `redact` | typed placeholder `[IIN]`, `[PHONE]`… | the span becomes the placeholder |
//! | `mask:N` | `*` for every character but the last N | the same, on the span |
//! | `pseudonymise` | keyed pseudonym of the normalised value | the span becomes the pseudonym |
//!
//! What this module is not: it does not compute pseudonyms (see `pseudonym`) nor decide which
//! action applies to a column (see `policy`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The most characters `mask:N` may keep: more would leave a whole identifier visible.
pub const MAX_MASK_KEEP: u8 = 8;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Keep,
    Drop,
    Null,
    Redact,
    /// Keep the last N characters, replace the others by `*`.
    Mask(u8),
    Pseudonymise,
}

impl Action {
    /// Whether the action needs the key.
    pub fn needs_key(self) -> bool {
        self == Action::Pseudonymise
    }

    /// Whether the action changes data (everything but `keep`).
    pub fn changes(self) -> bool {
        self != Action::Keep
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Keep => f.write_str("keep"),
            Action::Drop => f.write_str("drop"),
            Action::Null => f.write_str("null"),
            Action::Redact => f.write_str("redact"),
            Action::Mask(n) => write!(f, "mask:{n}"),
            Action::Pseudonymise => f.write_str("pseudonymise"),
        }
    }
}

impl FromStr for Action {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let lower = s.to_ascii_lowercase();
        Ok(match lower.as_str() {
            "keep" => Action::Keep,
            "drop" => Action::Drop,
            "null" => Action::Null,
            "redact" => Action::Redact,
            "mask" => Action::Mask(4),
            "pseudonymise" | "pseudonymize" => Action::Pseudonymise,
            _ => match lower.strip_prefix("mask:") {
                Some(n) => match n.trim().parse::<u8>() {
                    Ok(n) if (1..=MAX_MASK_KEEP).contains(&n) => Action::Mask(n),
                    _ => {
                        return Err(format!(
                            "'{s}': mask keeps 1 to {MAX_MASK_KEEP} characters (mask:4)"
                        ));
                    }
                },
                None => {
                    return Err(format!(
                        "unknown action '{s}' (known: keep, drop, null, redact, mask:N, pseudonymise)"
                    ));
                }
            },
        })
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `*` for every character but the last `keep`; all `*` when the value is not longer than that,
/// since keeping all of a short value would keep all of it.
pub fn mask(value: &str, keep: u8, out: &mut String) {
    let chars = value.chars().count();
    let keep = usize::from(keep);
    if chars <= keep {
        out.extend(std::iter::repeat_n('*', chars.max(1)));
        return;
    }
    out.extend(std::iter::repeat_n('*', chars - keep));
    out.extend(value.chars().skip(chars - keep));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_action_and_rejects_others() {
        for (text, action) in [
            ("keep", Action::Keep),
            ("drop", Action::Drop),
            ("NULL", Action::Null),
            ("redact", Action::Redact),
            ("mask", Action::Mask(4)),
            ("mask:2", Action::Mask(2)),
            ("pseudonymise", Action::Pseudonymise),
            ("pseudonymize", Action::Pseudonymise),
        ] {
            assert_eq!(text.parse::<Action>(), Ok(action), "{text}");
        }
        for bad in ["hash", "mask:0", "mask:99", "mask:x", ""] {
            assert!(bad.parse::<Action>().is_err(), "{bad}");
        }
    }

    #[test]
    fn display_round_trips() {
        for a in [
            Action::Keep,
            Action::Mask(3),
            Action::Pseudonymise,
            Action::Null,
        ] {
            assert_eq!(a.to_string().parse::<Action>(), Ok(a));
        }
    }

    #[test]
    fn mask_keeps_the_tail_by_characters() {
        let mut out = String::new();
        mask("871008401427", 4, &mut out);
        assert_eq!(out, "********1427");
        out.clear();
        mask("Айгерім", 2, &mut out);
        assert_eq!(out, "*****ім");
        out.clear();
        mask("12", 4, &mut out);
        assert_eq!(out, "**");
    }
}
