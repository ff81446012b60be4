//! Fuzzing properties (used by `fuzz/` and the in-repo fuzz loop of
//! `tests/certificate.rs`): the certificate reader, and the matrix text parser.

use super::{parse, to_text, verify_text};

/// Fuzzing property for the certificate reader (used by `fuzz/` and the in-repo
/// fuzz loop of `tests/certificate.rs`): on any bytes, [`verify_text`] returns
/// instead of panicking, every error names a line inside the text (or the line
/// just past it), and a certificate that parses is written back by [`to_text`]
/// to text that parses to the same certificate.
///
/// # Panics
/// When one of these properties fails (that is the point).
#[doc(hidden)]
pub fn fuzz_certificate(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let last = crate::untrusted::lines(crate::untrusted::strip_bom(text)).count() + 1;
    match verify_text(text) {
        Ok(_) => {}
        Err(e) => assert!(
            e.line >= 1 && e.line <= last,
            "error line {} outside 1..={last}: {e}",
            e.line
        ),
    }
    if let Ok(cert) = parse(text) {
        let again = to_text(&cert);
        let back = parse(&again).expect("a written certificate parses");
        assert_eq!(back, cert, "certificate round trip");
    }
}

/// Fuzzing property for the matrix text parser ([`crate::io::parse_matrix`]): no
/// panic, and a parsed matrix is written by [`crate::io::matrix_to_text`] to text
/// that parses back to the same matrix.
///
/// # Panics
/// When one of these properties fails.
#[doc(hidden)]
pub fn fuzz_matrix(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(m) = crate::io::parse_matrix(text) {
        let again = crate::io::matrix_to_text(&m);
        let back = crate::io::parse_matrix(&again).expect("a written matrix parses");
        assert_eq!(back, m, "matrix round trip");
    }
}

/// Fuzzing property for the JSON layer reader
/// ([`crate::io::decomposition_from_json`] and [`crate::mask::mask_from_json`]):
/// no panic, and a decomposition that reads is written by
/// [`crate::io::decomposition_to_json`] to text that reads back to it.
///
/// # Panics
/// When one of these properties fails.
#[doc(hidden)]
pub fn fuzz_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = crate::mask::mask_from_json(text);
    if let Ok(dec) = crate::io::decomposition_from_json(text) {
        let again = crate::io::decomposition_to_json(&dec);
        let back = crate::io::decomposition_from_json(&again).expect("written JSON reads");
        assert_eq!(back, dec, "JSON round trip");
    }
}

/// Fuzzing property for the binary weight readers ([`crate::io::parse_npy`],
/// [`crate::io::parse_safetensors`]): no panic on any bytes; a tensor that
/// reads has as many values as its shape says; a square float64 matrix that
/// reads is written by [`crate::io::npy_bytes_f64`] to a file that reads back
/// to the same values.
///
/// # Panics
/// When one of these properties fails.
#[doc(hidden)]
pub fn fuzz_tensor(data: &[u8]) {
    let mut tensors = Vec::new();
    if let Ok(t) = crate::io::parse_npy(data) {
        tensors.push(t);
    }
    if let Ok(st) = crate::io::parse_safetensors(data) {
        for name in st.names() {
            if let Ok(t) = st.tensor(&name) {
                tensors.push(t);
            }
        }
    }
    for t in tensors {
        let count = t.shape.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        assert_eq!(count, Some(t.values.len()), "values of shape {:?}", t.shape);
        if t.to_matrix().is_ok() && t.values.iter().all(|v| v.is_finite()) {
            let again = crate::io::npy_bytes_f64(&t.shape, &t.values);
            let back = crate::io::parse_npy(&again).expect("a written .npy reads");
            assert_eq!(back.values, t.values, "npy round trip");
        }
    }
}
