//! Fuzzes every detector on arbitrary text: no panic, and every finding is a valid span of
//! the text, on char boundaries, in order.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tazala::detect::DetectorSet;

static DETECTORS: LazyLock<DetectorSet> = LazyLock::new(DetectorSet::builtin);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let findings = DETECTORS.find(&text);
    let mut last_end = 0;
    for f in &findings {
        assert!(
            f.start < f.end && f.end <= text.len(),
            "span inside the text"
        );
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!(
            f.start >= last_end,
            "findings do not overlap and come in order"
        );
        last_end = f.end;
    }
});
