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
    let last = text.lines().count() + 1;
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
