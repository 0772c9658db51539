//! HAR reading: any bytes give entries or a FormatError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut entries = 0usize;
    let _ = accord_validator::capture::read_har(data, &mut |_| entries += 1);
});
