//! SHA-256 (FIPS 180-4) for the certificate's `target-sha256` line: a thin
//! wrapper over the `sha2` crate (RustCrypto), kept so the public
//! `certificate::sha256` stays. A hand-written hash would be a liability; the
//! digests are the same, so every certificate keeps its bytes.

use sha2::{Digest, Sha256};

/// SHA-256 (FIPS 180-4) of `data`.
///
/// # Examples
/// ```
/// use couplings::certificate::{hex, sha256};
/// assert_eq!(hex(&sha256(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
/// ```
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_known_answers() {
        assert_eq!(
            hex(&sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    /// Every length across two padding boundaries (55/56/63/64/119/120 bytes),
    /// against Python's hashlib: the digest of the 131 digests of
    /// `[(7 j + 3) mod 256 for j < i]`, i = 0..=130.
    #[test]
    fn sha256_every_padding_boundary() {
        let mut all = Vec::new();
        for i in 0..=130u32 {
            let data: Vec<u8> = (0..i).map(|j| ((j * 7 + 3) % 256) as u8).collect();
            all.extend_from_slice(&sha256(&data));
        }
        assert_eq!(
            hex(&sha256(&all)),
            "b3d31aa6b4f0810cff11dc15fd1017d7ba047ad10e757b0e36ed68897e6d1851"
        );
    }
}
