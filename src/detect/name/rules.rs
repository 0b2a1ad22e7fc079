//! The detector's word rules from `patterns/names.toml`: ambiguous names, places, stop words,
//! cues and organisation context, compiled once.
//!
//! Not here: the dictionaries (see `dict`) and what the rules decide (see the detector).

use serde::Deserialize;

use crate::detect::context::ContextWords;

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
    pub cues_before: ContextWords,
    pub cue_window: usize,
    pub cues_after: ContextWords,
    pub org_before: ContextWords,
    pub org_before_window: usize,
    pub org_after: ContextWords,
}

impl Context {
    pub fn new(r: &RuleFile) -> Self {
        Context {
            cues_before: ContextWords::new(&r.cues_before),
            cue_window: r.cue_window,
            cues_after: ContextWords::new(&r.cues_after),
            org_before: ContextWords::new(&r.org_before),
            org_before_window: r.org_before_window,
            org_after: ContextWords::new(&r.org_after),
        }
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
}
