//! libFuzzer target for the `.npy` and safetensors readers (`couplings::certificate::fuzz_tensor`: no panics, shapes agree with the values read, and a matrix that reads survives an `.npy` round trip).
//! Run: `cargo +nightly fuzz run tensor` from the crate root (see docs/certificate.md).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    couplings::certificate::fuzz_tensor(data);
});
