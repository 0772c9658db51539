//! NDJSON reading, with a small line limit so long lines are exercised too.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut items = 0usize;
    let _ = accord_validator::capture::read_ndjson(data, 4096, &mut |_| items += 1);
});
