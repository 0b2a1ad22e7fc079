//! Detector of e-mail addresses.
//!
//! Not written yet: reports nothing.

use super::{Detector, Finding, Kind};

/// Finds e-mail addresses.
#[derive(Clone, Debug, Default)]
pub struct EmailDetector {}

impl EmailDetector {
    /// The detector with the rules embedded from `patterns/email.toml`.
    pub fn builtin() -> Self {
        EmailDetector {}
    }
}

impl Detector for EmailDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Email]
    }

    fn find(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
