//! libFuzzer target for the certificate parser and verifier
//! (`couplings::certificate::fuzz_certificate`: no panics, and every certificate
//! that parses survives a write/parse round trip unchanged).
//! Run: `cargo +nightly fuzz run certificate` from the crate root (see docs/certificate.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    couplings::certificate::fuzz_certificate(data);
});
