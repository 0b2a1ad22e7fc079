//! Detector of payment card numbers.
//!
//! Not written yet: reports nothing.

use super::{Detector, Finding, Kind};

/// Finds payment card numbers.
#[derive(Clone, Debug, Default)]
pub struct CardDetector {}

impl CardDetector {
    /// The detector with the rules embedded from `patterns/card.toml`.
    pub fn builtin() -> Self {
        CardDetector {}
    }
}

impl Detector for CardDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Card]
    }

    fn find(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
