//! Detector of messenger accounts (Telegram handles, t.me links).
//!
//! Not written yet: reports nothing.

use super::{Detector, Finding, Kind};

/// Finds messenger accounts (Telegram handles, t.me links).
#[derive(Clone, Debug, Default)]
pub struct MessengerDetector {}

impl MessengerDetector {
    /// The detector with the rules embedded from `patterns/messenger.toml`.
    pub fn builtin() -> Self {
        MessengerDetector {}
    }
}

impl Detector for MessengerDetector {
    fn kinds(&self) -> &'static [Kind] {
        &[Kind::Messenger]
    }

    fn find(&self, _text: &str, _out: &mut Vec<Finding>) {}
}
