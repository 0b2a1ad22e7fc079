//! Detector of IIN (ИИН/ЖСН) of a person and BIN (БИН/БСН) of an organisation.
//!
//! Not written yet: reports nothing.

use super::{Detector, Finding, Kind};

/// Finds IIN (ИИН/ЖСН) of a person and BIN (БИН/БСН) of an organisation.
#[derive(Clone, Debug, Default)]
pub struct IinDetector {}

impl IinDetector {
    /// The detector with the rules embedded from `patterns/iin.toml`.
    pub fn builtin() -> Self {
        IinDetector {}
    }
}

impl Detector for IinDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Iin, Kind::Bin]
    }

    fn find(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
