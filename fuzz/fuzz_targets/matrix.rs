//! libFuzzer target for the matrix text parser
//! (`couplings::certificate::fuzz_matrix`: no panics, and every matrix that parses
//! survives a write/parse round trip unchanged).
//! Run: `cargo +nightly fuzz run matrix` from the crate root (see docs/certificate.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    couplings::certificate::fuzz_matrix(data);
});
