//! Detector of Kazakh and Russian (+7) telephone numbers.
//!
//! Not written yet: reports nothing.

use super::{Detector, Finding, Kind};

/// Finds Kazakh and Russian (+7) telephone numbers.
#[derive(Clone, Debug, Default)]
pub struct PhoneDetector {}

impl PhoneDetector {
    /// The detector with the rules embedded from `patterns/phone.toml`.
    pub fn builtin() -> Self {
        PhoneDetector {}
    }
}

impl Detector for PhoneDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Phone]
    }

    fn find(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
