//! Contract tests for the matrix text format: `couplings::io::{parse_matrix,
//! read_matrix, matrix_to_text}` and the typed `ParseError`.

use couplings::exact::{Matrix, NumberError, Q, q, qi};
use couplings::io::{ParseError, matrix_to_text, parse_matrix, read_matrix};
use num_bigint::BigInt;
use proptest::prelude::*;
use quickcheck::{Arbitrary, Gen, QuickCheck};

fn rows(rows: Vec<Vec<Q>>) -> Matrix {
    Matrix::from_rows(rows).unwrap()
}

fn big(s: &str) -> Q {
    Q::from_integer(s.parse::<BigInt>().unwrap())
}

fn bad_entry(text: &str) -> (usize, usize, String, NumberError) {
    match parse_matrix(text) {
        Err(ParseError::BadEntry {
            line,
            column,
            text,
            reason,
        }) => (line, column, text, reason),
        other => panic!("expected BadEntry for {text:?}, got {other:?}"),
    }
}

#[test]
fn integers() {
    assert_eq!(
        parse_matrix("1 2\n3 4\n").unwrap(),
        Matrix::from_i64(&[&[1, 2], &[3, 4]])
    );
    assert_eq!(
        parse_matrix("-1 +2 0\n-0 007 -12").unwrap(),
        Matrix::from_i64(&[&[-1, 2, 0], &[0, 7, -12]])
    );
}

#[test]
fn fractions() {
    assert_eq!(
        parse_matrix("1/2 -3/4\n6/8 +5/-10\n").unwrap(),
        rows(vec![vec![q(1, 2), q(-3, 4)], vec![q(3, 4), q(-1, 2)]])
    );
}

#[test]
fn decimals_and_exponents() {
    let m = parse_matrix("-1.25 3e-2 .5\n2. 1E3 -2.5e+2\n").unwrap();
    assert_eq!(
        m,
        rows(vec![
            vec![q(-5, 4), q(3, 100), q(1, 2)],
            vec![qi(2), qi(1000), qi(-250)]
        ])
    );
    // 0.1 is exactly 1/10, never a float.
    assert_eq!(parse_matrix("0.1").unwrap(), rows(vec![vec![q(1, 10)]]));
}

#[test]
fn separators_mixed() {
    let expected = Matrix::from_i64(&[&[1, 2], &[3, 4], &[5, 6], &[7, 8], &[9, 10]]);
    let text = "1,2\n3, 4\n5 ,6\n7\t,\t8\n  9   10  \n";
    assert_eq!(parse_matrix(text).unwrap(), expected);
    // A single trailing comma per row is tolerated.
    assert_eq!(
        parse_matrix("1, 2,\n3, 4,\n").unwrap(),
        Matrix::from_i64(&[&[1, 2], &[3, 4]])
    );
    // Windows line endings.
    assert_eq!(
        parse_matrix("1 2\r\n3 4\r\n").unwrap(),
        Matrix::from_i64(&[&[1, 2], &[3, 4]])
    );
    // A UTF-8 byte order mark is ignored.
    assert_eq!(
        parse_matrix("\u{feff}1 2\n3 4\n").unwrap(),
        Matrix::from_i64(&[&[1, 2], &[3, 4]])
    );
}

#[test]
fn empty_fields_are_errors() {
    let (line, column, text, reason) = bad_entry("1 2 3\n4,,5 6\n");
    assert_eq!((line, column, text.as_str()), (2, 3, ""));
    assert_eq!(reason, NumberError::Empty);
    let (line, column, _, reason) = bad_entry("1 2\n , 3 4\n");
    assert_eq!((line, column, reason), (2, 2, NumberError::Empty));
    let err = parse_matrix("1,,2").unwrap_err();
    assert!(err.to_string().contains("line 1, column 3"), "{err}");
    assert!(err.to_string().contains("empty entry"), "{err}");
}

#[test]
fn comments_and_blank_lines() {
    let text = "# a comment\n\n1 2   # trailing comment\n   \n\t\n# 9 9 9\n3 4#glued\n\n";
    assert_eq!(
        parse_matrix(text).unwrap(),
        Matrix::from_i64(&[&[1, 2], &[3, 4]])
    );
}

#[test]
fn huge_entries() {
    // > 2^128
    let text = "400000000000000000000000000000000000000000 1\n-400000000000000000000000000000000000000000/3 2\n";
    let m = parse_matrix(text).unwrap();
    assert_eq!(
        m.get(0, 0),
        &big("400000000000000000000000000000000000000000")
    );
    assert_eq!(
        m.get(1, 0),
        &(big("-400000000000000000000000000000000000000000") / qi(3))
    );
    assert!(m.max_bits() > 128);
    assert_eq!(parse_matrix(&matrix_to_text(&m)).unwrap(), m);
}

#[test]
fn tiny_entries() {
    let two_100 = "1267650600228229401496703205376"; // 2^100
    let m = parse_matrix(&format!("1e-40 1/{two_100}\n-1e-40, -1/{two_100}\n")).unwrap();
    let ten_40 = big(&format!("1{}", "0".repeat(40)));
    assert_eq!(m.get(0, 0), &(qi(1) / ten_40.clone()));
    assert_eq!(m.get(0, 1), &(qi(1) / big(two_100)));
    assert_eq!(m.get(1, 0), &(qi(-1) / ten_40));
    assert_eq!(m.get(1, 1), &(qi(-1) / big(two_100)));
    assert_eq!(m.get(0, 1).denom().bits(), 101);
}

#[test]
fn ragged_rows() {
    assert_eq!(
        parse_matrix("1 2\n\n# c\n3 4 5\n"),
        Err(ParseError::Ragged {
            line: 4,
            expected: 2,
            found: 3,
            first_line: 1
        })
    );
    assert_eq!(
        parse_matrix("# header\n\n1 2 3\n4 5 6\n7 8\n"),
        Err(ParseError::Ragged {
            line: 5,
            expected: 3,
            found: 2,
            first_line: 3
        })
    );
    let msg = parse_matrix("1 2\n3\n").unwrap_err().to_string();
    assert!(msg.contains("line 2"), "{msg}");
    assert!(msg.contains("line 1"), "{msg}");
    assert!(msg.contains("1 entry"), "{msg}");
}

#[test]
fn bad_entries_are_located() {
    let (line, column, text, reason) = bad_entry("1 2\n3  abc\n");
    assert_eq!((line, column, text.as_str()), (2, 4, "abc"));
    assert_eq!(reason, NumberError::Malformed("abc".into()));

    // Comments and blank lines still count as lines.
    let (line, column, text, _) = bad_entry("# c\n\n1, 2, 3\n4, 5, 6.6.6 # x\n");
    assert_eq!((line, column, text.as_str()), (4, 7, "6.6.6"));

    // Columns count characters, not bytes.
    let (line, column, text, _) = bad_entry("1\u{a0}ä");
    assert_eq!((line, column, text.as_str()), (1, 3, "ä"));

    // Space inside a fraction splits it into entries; the stray `/` is reported.
    let (_, column, text, _) = bad_entry("1 / 2");
    assert_eq!((column, text.as_str()), (3, "/"));

    let err = parse_matrix("1 2\n3  abc\n").unwrap_err();
    assert!(err.to_string().starts_with("line 2, column 4: "), "{err}");
    assert!(err.to_string().contains("abc"), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn zero_denominator() {
    let (line, column, text, reason) = bad_entry("1 2\n3 1/0\n");
    assert_eq!((line, column, text.as_str()), (2, 3, "1/0"));
    assert_eq!(reason, NumberError::ZeroDenominator("1/0".into()));
    let msg = parse_matrix("1/0").unwrap_err().to_string();
    assert!(msg.contains("denominator zero"), "{msg}");
}

#[test]
fn exponent_too_large() {
    let (_, _, _, reason) = bad_entry("1e999999");
    assert!(matches!(reason, NumberError::ExponentTooLarge(_)));
}

#[test]
fn empty_input() {
    assert_eq!(parse_matrix(""), Err(ParseError::Empty));
    assert_eq!(parse_matrix("   \n\n\t\n"), Err(ParseError::Empty));
    assert_eq!(
        parse_matrix("# only a comment\n# and another"),
        Err(ParseError::Empty)
    );
    assert!(ParseError::Empty.to_string().contains("no matrix rows"));
}

#[test]
fn non_square_parses() {
    let m = parse_matrix("1 2 3\n4 5 6\n").unwrap();
    assert_eq!((m.rows(), m.cols()), (2, 3));
    let column = parse_matrix("1\n2\n3\n").unwrap();
    assert_eq!((column.rows(), column.cols()), (3, 1));
}

#[test]
fn matrix_to_text_format() {
    let m = rows(vec![vec![qi(1), q(-1, 2)], vec![qi(0), q(7, 3)]]);
    assert_eq!(matrix_to_text(&m), "1 -1/2\n0 7/3\n");
}

#[test]
fn read_matrix_from_file_and_missing_file() {
    let path = std::env::temp_dir().join(format!(
        "couplings-io-parse-{}-read.txt",
        std::process::id()
    ));
    std::fs::write(&path, "1, 1/2\n# c\n3 4\n").unwrap();
    assert_eq!(
        read_matrix(&path).unwrap(),
        rows(vec![vec![qi(1), q(1, 2)], vec![qi(3), qi(4)]])
    );
    std::fs::write(&path, [0x31u8, 0x20, 0xff, 0xfe, 0x0a]).unwrap();
    match read_matrix(&path) {
        Err(ParseError::Io { message, .. }) => assert!(message.contains("UTF-8"), "{message}"),
        other => panic!("expected Io, got {other:?}"),
    }
    std::fs::remove_file(&path).unwrap();
    match read_matrix(&path) {
        Err(e @ ParseError::Io { .. }) => {
            assert!(e.to_string().contains("cannot read"), "{e}");
            assert!(e.to_string().contains("couplings-io-parse-"), "{e}");
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

// ---------------------------------------------------------------- properties

fn rational() -> impl Strategy<Value = Q> {
    prop_oneof![
        (-20i64..20, 1i64..20).prop_map(|(n, d)| q(n, d)),
        (any::<i64>(), 1i64..=i64::MAX).prop_map(|(n, d)| q(n, d)),
        (any::<i128>(), 1u128..=u128::MAX)
            .prop_map(|(n, d)| Q::new(BigInt::from(n) * BigInt::from(n), BigInt::from(d))),
    ]
}

fn matrix() -> impl Strategy<Value = Matrix> {
    (1usize..7, 1usize..7).prop_flat_map(|(r, c)| {
        prop::collection::vec(prop::collection::vec(rational(), c), r)
            .prop_map(|rows| Matrix::from_rows(rows).unwrap())
    })
}

proptest! {
    #[test]
    fn text_round_trip(m in matrix()) {
        prop_assert_eq!(parse_matrix(&matrix_to_text(&m)).unwrap(), m);
    }

    #[test]
    fn comma_separated_round_trip(m in matrix()) {
        let text: String = (0..m.rows())
            .map(|i| {
                let row: Vec<String> = m.row(i).iter().map(couplings::exact::fmt_q).collect();
                format!("  {} # row {i}\n\n", row.join(" ,"))
            })
            .collect();
        prop_assert_eq!(parse_matrix(&text).unwrap(), m);
    }
}

/// Strings over an alphabet that exercises the number and separator grammar.
#[derive(Debug, Clone)]
struct Soup(String);

impl Arbitrary for Soup {
    fn arbitrary(g: &mut Gen) -> Soup {
        const ALPHABET: &[char] = &[
            '0', '1', '2', '9', '-', '+', '/', '.', 'e', 'E', ',', ',', ' ', ' ', '\t', '\n', '\n',
            '\r', '#', 'x', 'é', '\u{feff}', '\u{a0}',
        ];
        let len = usize::arbitrary(g) % (g.size() + 1);
        Soup((0..len).map(|_| *g.choose(ALPHABET).unwrap()).collect())
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Soup>> {
        Box::new(self.0.shrink().map(Soup))
    }
}

/// Parsing never panics, and a reported location really points at the entry.
fn located_or_ok(text: &str) -> bool {
    match parse_matrix(text) {
        Ok(m) => m.rows() >= 1 && m.cols() >= 1,
        Err(ParseError::BadEntry {
            line,
            column,
            text: entry,
            ..
        }) => {
            let body = text.strip_prefix('\u{feff}').unwrap_or(text);
            // `\n`, `\r\n` and a lone `\r` end lines (issue 17).
            let Some(l) = couplings::untrusted::lines(body).nth(line - 1) else {
                return false;
            };
            let rest: String = l.chars().skip(column - 1).collect();
            column >= 1
                && if entry.is_empty() {
                    rest.starts_with(',')
                } else {
                    rest.starts_with(&entry)
                }
        }
        Err(ParseError::Ragged {
            line,
            first_line,
            expected,
            found,
        }) => line > first_line && expected != found,
        Err(ParseError::Empty) => true,
        Err(ParseError::Io { .. }) => false,
    }
}

#[test]
fn arbitrary_strings_never_panic() {
    fn prop(s: String) -> bool {
        located_or_ok(&s)
    }
    QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(String) -> bool);
}

#[test]
fn number_soup_never_panics() {
    fn prop(s: Soup) -> bool {
        located_or_ok(&s.0)
    }
    QuickCheck::new()
        .tests(5000)
        .rng(Gen::new(60))
        .quickcheck(prop as fn(Soup) -> bool);
}
