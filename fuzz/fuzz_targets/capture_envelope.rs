//! Capture envelopes: any text gives an exchange or a FormatError with a position inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let container: Arc<str> = Arc::from(text);
    if let Err(e) = accord_validator::capture::read_envelope(&container, 1, None) {
        if let Some(line) = e.line {
            assert!(line >= 1 && line <= text.split('\n').count(), "line {line} outside the text");
        }
    }
});
