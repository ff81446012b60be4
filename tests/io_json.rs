//! Contract tests for the JSON layer format: `couplings::io::{decomposition_to_json,
//! decomposition_from_json, read_decomposition}`, the typed `JsonError`, and the
//! text rendering `decomposition_to_text`. Decompositions are built by hand.

use couplings::exact::{Matrix, NumberError, Q, q, qi};
use couplings::io::{
    Entry, JsonError, decomposition_from_json, decomposition_to_json, decomposition_to_text,
    read_decomposition,
};
use couplings::{Decomposition, Kind, Layer, Mode, Split};
use num_bigint::BigInt;
use serde_json::Value;

fn big(s: &str) -> Q {
    Q::from_integer(s.parse::<BigInt>().unwrap())
}

fn m(rows: Vec<Vec<Q>>) -> Matrix {
    Matrix::from_rows(rows).unwrap()
}

/// A 4x4 (split (2, 2)) decomposition with fractions, signs and a huge entry.
fn sample() -> Decomposition {
    Decomposition {
        split: Split::new(2, 2),
        mode: Mode::Signed,
        layers: vec![
            Layer::lower(
                m(vec![vec![q(1, 2), qi(0)], vec![qi(-3), qi(1)]]),
                vec![qi(1), qi(2)],
            ),
            Layer::upper(
                m(vec![
                    vec![big("400000000000000000000000000000000000000000"), q(-7, 3)],
                    vec![
                        qi(0),
                        Q::new(
                            BigInt::from(1),
                            "1267650600228229401496703205376".parse().unwrap(),
                        ),
                    ],
                ]),
                vec![q(-1, 5), qi(3)],
            ),
            Layer::lower(Matrix::zeros(2, 2), vec![qi(-1), q(9, 4)]),
        ],
    }
}

/// The example from the format documentation.
const DOC_EXAMPLE: &str = r#"{"n": 4, "split": [2, 2], "mode": "signed", "layers": [{"kind": "lower", "shift": [["1/2","0"],["-3","1"]], "scale": ["1","2"]}]}"#;

#[test]
fn documented_example_parses() {
    let dec = decomposition_from_json(DOC_EXAMPLE).unwrap();
    assert_eq!(
        dec,
        Decomposition {
            split: Split::new(2, 2),
            mode: Mode::Signed,
            layers: vec![Layer::lower(
                m(vec![vec![q(1, 2), qi(0)], vec![qi(-3), qi(1)]]),
                vec![qi(1), qi(2)]
            )],
        }
    );
}

#[test]
fn round_trip_hand_built() {
    let dec = sample();
    let json = decomposition_to_json(&dec);
    assert_eq!(decomposition_from_json(&json).unwrap(), dec);
    // Deterministic.
    assert_eq!(decomposition_to_json(&dec), json);
    assert_eq!(
        decomposition_to_json(&decomposition_from_json(&json).unwrap()),
        json
    );
}

#[test]
fn round_trip_uneven_split_and_positive_mode() {
    let dec = Decomposition {
        split: Split::new(1, 3),
        mode: Mode::Positive,
        layers: vec![
            Layer::lower(
                m(vec![vec![qi(1)], vec![q(2, 3)], vec![qi(-4)]]),
                vec![qi(1), qi(2), q(1, 7)],
            ),
            Layer::upper(m(vec![vec![qi(5), qi(6), q(-1, 2)]]), vec![qi(3)]),
        ],
    };
    let json = decomposition_to_json(&dec);
    assert_eq!(decomposition_from_json(&json).unwrap(), dec);
}

#[test]
fn round_trip_degenerate_shapes() {
    // No layers at all (the identity).
    let empty = Decomposition {
        split: Split::new(3, 3),
        mode: Mode::Signed,
        layers: vec![],
    };
    let json = decomposition_to_json(&empty);
    assert!(json.contains("\"layers\": []"));
    assert_eq!(decomposition_from_json(&json).unwrap(), empty);
    // An empty part: shift blocks with zero rows or zero columns survive too.
    let d = Decomposition {
        split: Split::new(0, 2),
        mode: Mode::Signed,
        layers: vec![
            Layer::lower(Matrix::zeros(2, 0), vec![qi(1), qi(2)]),
            Layer::upper(Matrix::zeros(0, 2), vec![]),
        ],
    };
    assert_eq!(
        decomposition_from_json(&decomposition_to_json(&d)).unwrap(),
        d
    );
}

#[test]
fn writer_layout_is_exact() {
    let dec = decomposition_from_json(DOC_EXAMPLE).unwrap();
    let expected = r#"{
  "n": 4,
  "split": [2, 2],
  "mode": "signed",
  "layers": [
    {
      "kind": "lower",
      "shift": [
        ["1/2", "0"],
        ["-3", "1"]
      ],
      "scale": ["1", "2"]
    }
  ]
}
"#;
    assert_eq!(decomposition_to_json(&dec), expected);
}

#[test]
fn writer_output_is_standard_json_with_string_numbers() {
    let json = decomposition_to_json(&sample());
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["n"], 4);
    assert_eq!(v["split"], serde_json::json!([2, 2]));
    assert_eq!(v["mode"], "signed");
    let layers = v["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 3);
    // Order is application order: exactly as in `Decomposition.layers`.
    assert_eq!(layers[0]["kind"], "lower");
    assert_eq!(layers[1]["kind"], "upper");
    assert_eq!(layers[0]["shift"][0][0], "1/2");
    assert_eq!(
        layers[1]["shift"][0][0],
        "400000000000000000000000000000000000000000"
    );
    assert_eq!(
        layers[1]["shift"][1][1],
        "1/1267650600228229401496703205376"
    );
    assert_eq!(layers[1]["scale"][0], "-1/5");
    for layer in layers {
        for row in layer["shift"].as_array().unwrap() {
            assert!(row.as_array().unwrap().iter().all(Value::is_string));
        }
        assert!(
            layer["scale"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string)
        );
    }
}

#[test]
fn reader_accepts_integers_decimals_and_unreduced_fractions() {
    let json = r#"{"n": 2, "split": [1, 1], "mode": "positive", "comment": "extra keys are ignored",
        "layers": [
            {"kind": "upper", "shift": [[3]], "scale": ["0.25"]},
            {"kind": "lower", "shift": [["-3e-2"]], "scale": ["2/4"], "note": 1},
            {"kind": "lower", "shift": [[-7]], "scale": [" 1 "]}
        ]}"#;
    let dec = decomposition_from_json(json).unwrap();
    assert_eq!(dec.mode, Mode::Positive);
    assert_eq!(
        dec.layers[0],
        Layer::upper(Matrix::from_i64(&[&[3]]), vec![q(1, 4)])
    );
    assert_eq!(
        dec.layers[1],
        Layer::lower(m(vec![vec![q(-3, 100)]]), vec![q(1, 2)])
    );
    assert_eq!(
        dec.layers[2],
        Layer::lower(Matrix::from_i64(&[&[-7]]), vec![qi(1)])
    );
}

#[test]
fn reader_does_not_reject_zero_scales() {
    let json = r#"{"n": 2, "split": [1, 1], "mode": "signed",
        "layers": [{"kind": "lower", "shift": [["1"]], "scale": ["0"]}]}"#;
    let dec = decomposition_from_json(json).unwrap();
    assert_eq!(dec.layers[0].scale, vec![qi(0)]);
}

// ------------------------------------------------------------ malformed input

fn err(json: &str) -> JsonError {
    match decomposition_from_json(json) {
        Err(e) => e,
        Ok(d) => panic!("expected an error for {json}, got {d:?}"),
    }
}

/// A split (3, 3) document whose layers are given as JSON text.
fn doc33(layers: &str) -> String {
    format!(r#"{{"n": 6, "split": [3, 3], "mode": "signed", "layers": [{layers}]}}"#)
}

const L33: &str = r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","0","1"]], "scale": ["1","1","1"]}"#;

/// Layers 0..=2 are fine, layer 3 is `bad`.
fn with_bad_layer_3(bad: &str) -> String {
    doc33(&format!("{L33}, {L33}, {L33}, {bad}"))
}

#[test]
fn syntax_error() {
    match err("{\"n\": 4,\n  \"split\": [2, 2\n}") {
        JsonError::Syntax {
            line,
            column,
            message,
        } => {
            assert_eq!(line, 3);
            assert!(column >= 1);
            assert!(!message.contains("at line"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err("").to_string().contains("invalid JSON"));
}

#[test]
fn top_level_errors() {
    assert!(matches!(err("[1, 2]"), JsonError::Field { ref field, .. } if field == "(document)"));
    assert!(matches!(
        err(r#"{"split": [1, 1], "mode": "signed", "layers": []}"#),
        JsonError::Field { ref field, .. } if field == "n"
    ));
    assert!(matches!(
        err(r#"{"n": -2, "split": [1, 1], "mode": "signed", "layers": []}"#),
        JsonError::Field { ref field, .. } if field == "n"
    ));
    assert!(matches!(
        err(r#"{"n": 2, "split": [2], "mode": "signed", "layers": []}"#),
        JsonError::Field { ref field, .. } if field == "split"
    ));
    assert!(matches!(
        err(r#"{"n": 2, "split": [1, "1"], "mode": "signed", "layers": []}"#),
        JsonError::Field { ref field, .. } if field == "split[1]"
    ));
    assert!(matches!(
        err(r#"{"n": 2, "split": [1, 1], "layers": []}"#),
        JsonError::Field { ref field, .. } if field == "mode"
    ));
    assert!(matches!(
        err(r#"{"n": 2, "split": [1, 1], "mode": 1, "layers": []}"#),
        JsonError::Field { ref field, .. } if field == "mode"
    ));
    assert!(matches!(
        err(r#"{"n": 2, "split": [1, 1], "mode": "signed"}"#),
        JsonError::Field { ref field, .. } if field == "layers"
    ));
    assert!(matches!(
        err(r#"{"n": 2, "split": [1, 1], "mode": "signed", "layers": {}}"#),
        JsonError::Field { ref field, .. } if field == "layers"
    ));
    let e = err(r#"{"n": 2, "split": [1, 1], "layers": []}"#);
    assert!(e.to_string().contains("mode"), "{e}");
}

#[test]
fn split_mismatch() {
    let e = err(r#"{"n": 5, "split": [2, 2], "mode": "signed", "layers": []}"#);
    assert_eq!(
        e,
        JsonError::SplitMismatch {
            n: 5,
            split: Split::new(2, 2)
        }
    );
    assert!(e.to_string().contains("n is 5"), "{e}");
}

#[test]
fn unknown_mode() {
    let e = err(r#"{"n": 2, "split": [1, 1], "mode": "Signed", "layers": []}"#);
    assert_eq!(
        e,
        JsonError::UnknownMode {
            found: "Signed".into()
        }
    );
    assert!(e.to_string().contains("\"positive\""), "{e}");
}

#[test]
fn layer_not_an_object() {
    let e = err(&with_bad_layer_3("[1, 2]"));
    assert!(matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "(layer)"));
    assert!(e.to_string().starts_with("layer 3 (layers[3])"), "{e}");
}

#[test]
fn missing_or_unknown_kind() {
    let e = err(&with_bad_layer_3(r#"{"shift": [], "scale": []}"#));
    assert!(matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "kind"));
    assert!(e.to_string().contains("layer 3"), "{e}");
    let e = err(&with_bad_layer_3(
        r#"{"kind": "middle", "shift": [], "scale": []}"#,
    ));
    assert_eq!(
        e,
        JsonError::UnknownKind {
            layer: 3,
            found: "middle".into()
        }
    );
    assert!(e.to_string().contains("layer 3"), "{e}");
    assert!(e.to_string().contains("\"lower\" or \"upper\""), "{e}");
}

#[test]
fn shift_with_wrong_number_of_rows() {
    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"]], "scale": ["1","1","1"]}"#,
    ));
    assert_eq!(
        e,
        JsonError::ShiftRows {
            layer: 3,
            kind: Kind::Lower,
            split: Split::new(3, 3),
            expected: 3,
            found: 2
        }
    );
    assert!(
        e.to_string().starts_with(
            "layer 3 (layers[3]): shift has 2 rows, expected 3 for a lower layer of split (3, 3)"
        ),
        "{e}"
    );
}

#[test]
fn shift_shapes_follow_the_kind() {
    // Split (1, 2): a lower shift is 2x1, an upper shift 1x2.
    let doc = |layer: &str| {
        format!(r#"{{"n": 3, "split": [1, 2], "mode": "signed", "layers": [{layer}]}}"#)
    };
    assert!(
        decomposition_from_json(&doc(
            r#"{"kind": "lower", "shift": [["1"], ["2"]], "scale": ["1", "1"]}"#
        ))
        .is_ok()
    );
    assert!(
        decomposition_from_json(&doc(
            r#"{"kind": "upper", "shift": [["1", "2"]], "scale": ["1"]}"#
        ))
        .is_ok()
    );
    // The lower shape given for an upper layer.
    let e = err(&doc(
        r#"{"kind": "upper", "shift": [["1"], ["2"]], "scale": ["1"]}"#,
    ));
    assert!(
        matches!(
            e,
            JsonError::ShiftRows {
                layer: 0,
                kind: Kind::Upper,
                expected: 1,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("upper layer of split (1, 2)"), "{e}");
}

#[test]
fn shift_row_with_wrong_length_or_type() {
    let e = err(&with_bad_layer_3(
        r#"{"kind": "upper", "shift": [["1","0","0"],["0","1"],["0","0","1"]], "scale": ["1","1","1"]}"#,
    ));
    assert_eq!(
        e,
        JsonError::ShiftCols {
            layer: 3,
            kind: Kind::Upper,
            split: Split::new(3, 3),
            row: 1,
            expected: 3,
            found: 2
        }
    );
    assert!(
        e.to_string()
            .starts_with("layer 3 (layers[3]): shift[1] has 2 entries, expected 3"),
        "{e}"
    );
    let e = err(&with_bad_layer_3(
        r#"{"kind": "upper", "shift": [["1","0","0"],"0 1 0",["0","0","1"]], "scale": ["1","1","1"]}"#,
    ));
    assert!(
        matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "shift[1]"),
        "{e:?}"
    );
    let e = err(&with_bad_layer_3(
        r#"{"kind": "upper", "shift": "I", "scale": ["1","1","1"]}"#,
    ));
    assert!(
        matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "shift"),
        "{e:?}"
    );
    let e = err(&with_bad_layer_3(
        r#"{"kind": "upper", "scale": ["1","1","1"]}"#,
    ));
    assert!(
        matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "shift"),
        "{e:?}"
    );
    assert!(e.to_string().contains("layer 3"), "{e}");
}

#[test]
fn scale_with_wrong_length_or_type() {
    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","0","1"]], "scale": ["1","1"]}"#,
    ));
    assert_eq!(
        e,
        JsonError::ScaleLength {
            layer: 3,
            kind: Kind::Lower,
            split: Split::new(3, 3),
            expected: 3,
            found: 2
        }
    );
    assert!(
        e.to_string()
            .starts_with("layer 3 (layers[3]): scale has 2 entries, expected 3"),
        "{e}"
    );
    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","0","1"]], "scale": "1"}"#,
    ));
    assert!(
        matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "scale"),
        "{e:?}"
    );
    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","0","1"]]}"#,
    ));
    assert!(
        matches!(e, JsonError::LayerField { layer: 3, ref field, .. } if field == "scale"),
        "{e:?}"
    );
}

#[test]
fn unparsable_numbers_are_located() {
    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","x","1"]], "scale": ["1","1","1"]}"#,
    ));
    assert_eq!(
        e,
        JsonError::BadNumber {
            layer: 3,
            entry: Entry::Shift { row: 2, col: 1 },
            text: "x".into(),
            reason: NumberError::Malformed("x".into())
        }
    );
    assert!(
        e.to_string()
            .starts_with("layer 3 (layers[3]): shift[2][1]: "),
        "{e}"
    );

    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","0","1"]], "scale": ["1","1/0","1"]}"#,
    ));
    assert_eq!(
        e,
        JsonError::BadNumber {
            layer: 3,
            entry: Entry::Scale { index: 1 },
            text: "1/0".into(),
            reason: NumberError::ZeroDenominator("1/0".into())
        }
    );
    assert!(e.to_string().contains("scale[1]"), "{e}");
    assert!(e.to_string().contains("denominator zero"), "{e}");

    let e = err(&with_bad_layer_3(
        r#"{"kind": "lower", "shift": [["1","0","0"],["0","1","0"],["0","0","1"]], "scale": ["1","","1"]}"#,
    ));
    assert!(
        matches!(
            e,
            JsonError::BadNumber {
                layer: 3,
                reason: NumberError::Empty,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn inexact_json_values_are_refused() {
    for (value, hint) in [
        ("0.5", "floating-point"),
        ("1e3", "floating-point"),
        ("-2.0", "floating-point"),
        ("null", "null"),
        ("true", "boolean"),
        ("[1]", "array"),
    ] {
        let json = format!(
            r#"{{"n": 2, "split": [1, 1], "mode": "signed", "layers": [
                {{"kind": "lower", "shift": [["1"]], "scale": ["1"]}},
                {{"kind": "upper", "shift": [[{value}]], "scale": ["1"]}}]}}"#
        );
        let e = err(&json);
        assert!(
            matches!(
                e,
                JsonError::NotExact {
                    layer: 1,
                    entry: Entry::Shift { row: 0, col: 0 },
                    ..
                }
            ),
            "{value}: {e:?}"
        );
        let msg = e.to_string();
        assert!(
            msg.starts_with("layer 1 (layers[1]): shift[0][0] is "),
            "{msg}"
        );
        assert!(msg.contains(hint), "{msg}");
    }
}

#[test]
fn read_decomposition_from_file() {
    let path = std::env::temp_dir().join(format!("couplings-io-json-{}.json", std::process::id()));
    std::fs::write(&path, decomposition_to_json(&sample())).unwrap();
    assert_eq!(read_decomposition(&path).unwrap(), sample());
    std::fs::remove_file(&path).unwrap();
    let e = read_decomposition(&path).unwrap_err();
    assert!(matches!(e, JsonError::Io { .. }), "{e:?}");
    assert!(e.to_string().contains("cannot read"), "{e}");
}

// ------------------------------------------------------------------ text output

#[test]
fn text_output_small() {
    let text = decomposition_to_text(&sample());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        format!(
            "n = 4, split = (2, 2), mode = signed, 3 layers, largest entry {} bits",
            sample().max_bits()
        )
    );
    assert!(
        lines[1].starts_with("layers act in this order on x"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("the matrix is L_3 ... L_1"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "L_1 (layers[0]): lower (x2 <- A x1 + D x2)");
    assert_eq!(lines[3], "  A = [ 1/2  0 ]");
    assert_eq!(lines[4], "      [  -3  1 ]");
    assert_eq!(lines[5], "  D = diag(1, 2)");
    assert_eq!(lines[6], "L_2 (layers[1]): upper (x1 <- E x1 + B x2)");
    // Exact, even for huge and tiny entries.
    assert!(text.contains("400000000000000000000000000000000000000000"));
    assert!(text.contains("1/1267650600228229401496703205376"));
    assert!(text.contains("E = diag(-1/5, 3)"));
    assert!(!text.contains("not shown"));
}

#[test]
fn text_output_summarises_large_blocks() {
    let n = 64;
    let mut a = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..n {
            a.set(i, j, q((i * n + j) as i64, 7));
        }
    }
    let dec = Decomposition {
        split: Split::new(n, n),
        mode: Mode::Positive,
        layers: vec![Layer::lower(a, vec![qi(2); n])],
    };
    let text = decomposition_to_text(&dec);
    assert!(
        text.starts_with("n = 128, split = (64, 64), mode = positive, 1 layer,"),
        "{text}"
    );
    assert!(text.contains("the matrix is L_1"));
    assert!(text.contains("A is 64x64, largest entry 12 bits"), "{text}");
    assert!(
        text.contains(
            "... 61 more rows and 56 more columns not shown; use --format json for all entries"
        ),
        "{text}"
    );
    assert!(
        text.contains("56 more entries not shown; use --format json for all entries"),
        "{text}"
    );
    assert!(text.lines().count() < 20, "{text}");
    // Only columns too many: rows are all shown.
    let wide = Decomposition {
        split: Split::new(20, 2),
        mode: Mode::Signed,
        layers: vec![Layer::lower(Matrix::zeros(2, 20), vec![qi(1); 2])],
    };
    let text = decomposition_to_text(&wide);
    assert!(
        text.contains("... 12 more columns not shown; use --format json for all entries"),
        "{text}"
    );
    // Only rows too many.
    let tall = Decomposition {
        split: Split::new(2, 52 + 3),
        mode: Mode::Signed,
        layers: vec![Layer::lower(Matrix::zeros(55, 2), vec![qi(1); 55])],
    };
    let text = decomposition_to_text(&tall);
    assert!(
        text.contains("... 52 more rows not shown; use --format json for all entries"),
        "{text}"
    );
}

#[test]
fn text_output_no_layers() {
    let dec = Decomposition {
        split: Split::new(1, 1),
        mode: Mode::Signed,
        layers: vec![],
    };
    let text = decomposition_to_text(&dec);
    assert!(
        text.starts_with("n = 2, split = (1, 1), mode = signed, 0 layers, largest entry 0 bits\n")
    );
    assert!(text.contains("the matrix is I"));
}

// ------------------------------------------------------------------ robustness

/// Corrupting a valid document anywhere never panics the reader, and whatever it
/// accepts round-trips through the writer.
#[test]
fn corrupted_documents_never_panic() {
    use quickcheck::{QuickCheck, TestResult};
    fn prop(pos: usize, replacement: char, delete: bool) -> TestResult {
        let json = decomposition_to_json(&sample());
        let chars: Vec<char> = json.chars().collect();
        let i = pos % chars.len();
        let mut corrupted: String = chars[..i].iter().collect();
        if !delete {
            corrupted.push(replacement);
        }
        corrupted.extend(&chars[i + 1..]);
        match decomposition_from_json(&corrupted) {
            Ok(dec) => {
                let again = decomposition_from_json(&decomposition_to_json(&dec)).unwrap();
                TestResult::from_bool(again == dec)
            }
            Err(e) => TestResult::from_bool(!e.to_string().is_empty()),
        }
    }
    QuickCheck::new()
        .tests(3000)
        .quickcheck(prop as fn(usize, char, bool) -> TestResult);
}

#[test]
fn arbitrary_strings_never_panic_the_reader() {
    fn prop(s: String) -> bool {
        let _ = decomposition_from_json(&s);
        true
    }
    quickcheck::QuickCheck::new()
        .tests(2000)
        .quickcheck(prop as fn(String) -> bool);
}
