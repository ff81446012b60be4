//! libFuzzer target for the JSON layer reader (`couplings::certificate::fuzz_json`: no panics, and every decomposition that reads survives a write/read round trip unchanged).
//! Run: `cargo +nightly fuzz run json` from the crate root (see docs/certificate.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    couplings::certificate::fuzz_json(data);
});
