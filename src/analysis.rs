//! Floating-point analysis of exact decompositions (nalgebra): per-layer
//! condition numbers and the float64 error of the chain's product. Exact code
//! never depends on anything here; these are the headline figures reported next
//! to the layer count and the entry bit sizes ([`figures`]), the full
//! conditioning [`report`] behind `couplings decompose --report`. The seeded
//! test families live in [`crate::families`] (also reachable here as
//! [`families`]); [`to_float`] is [`crate::exact::to_float`].

use crate::exact::{Matrix, to_f64};
use crate::layer::{Decomposition, Layer, PaddedDecomposition, Split};
use nalgebra::DMatrix;

pub use crate::exact::to_float;
pub use crate::families;

/// 2-norm condition number (ratio of extreme singular values, float64 SVD).
/// Returns infinity for a numerically singular matrix.
///
/// # Examples
/// ```
/// use couplings::analysis::condition_number;
/// use couplings::exact::Matrix;
/// let c = condition_number(&Matrix::from_i64(&[&[2, 0], &[0, 1]]));
/// assert!((c - 2.0).abs() < 1e-12);
/// ```
pub fn condition_number(m: &Matrix) -> f64 {
    let sv = to_float(m).singular_values();
    let max = sv.iter().cloned().fold(0.0, f64::max);
    let min = sv.iter().cloned().fold(f64::INFINITY, f64::min);
    if min == 0.0 { f64::INFINITY } else { max / min }
}

/// Condition number of one layer as an `n x n` matrix.
pub fn layer_condition(layer: &Layer, split: Split) -> f64 {
    condition_number(&layer.to_matrix(split))
}

/// Headline figures of a decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    /// Number of layers.
    pub layers: usize,
    /// Largest bit size of any layer entry.
    pub max_bits: u64,
    /// Per-layer float64 condition numbers, in application order.
    pub conditions: Vec<f64>,
    /// Relative error `||P_float - T||_F / ||T||_F` of the float64 product of the
    /// rounded layers against the exact target.
    pub float_error: f64,
}

/// Computes the headline figures of `dec` against its target.
///
/// # Examples
/// ```
/// use couplings::{analysis::figures, decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let f = figures(&t, &decompose(&t).unwrap());
/// assert_eq!(f.layers, 3);
/// assert!(f.float_error < 1e-15);
/// ```
pub fn figures(target: &Matrix, dec: &Decomposition) -> Figures {
    let p = float_product(dec);
    let t = to_float(target);
    let err = (&p - &t).norm() / t.norm().max(f64::MIN_POSITIVE);
    figures_with_error(dec, err)
}

/// The float64 product of the layers rounded to float64, application order.
fn float_product(dec: &Decomposition) -> DMatrix<f64> {
    let n = dec.split.n();
    let mut p = DMatrix::<f64>::identity(n, n);
    for l in &dec.layers {
        p = to_float(&l.to_matrix(dec.split)) * p;
    }
    p
}

fn figures_with_error(dec: &Decomposition, float_error: f64) -> Figures {
    Figures {
        layers: dec.len(),
        max_bits: dec.max_bits(),
        conditions: dec
            .layers
            .iter()
            .map(|l| layer_condition(l, dec.split))
            .collect(),
        float_error,
    }
}

/// The headline figures of a padded decomposition of `target`: the float error
/// is `||P[:, :n] - [[T], [0]]||_F / ||T||_F` for the float64 product `P` of
/// the rounded layers (with a mask, against the reordered `T`); the condition
/// numbers are those of the layers on `n + pad` coordinates.
///
/// # Examples
/// ```
/// use couplings::{Options, analysis::padded_figures, exact::Matrix};
/// use couplings::construct::pad::decompose_padded;
/// let t = Matrix::from_i64(&[&[0, -1], &[1, 0]]);
/// let padded = decompose_padded(&t, 2, &Options::default()).unwrap();
/// let f = padded_figures(&t, &padded);
/// assert_eq!(f.layers, 3);
/// assert!(f.float_error < 1e-15);
/// ```
pub fn padded_figures(target: &Matrix, padded: &PaddedDecomposition) -> Figures {
    let dec = &padded.decomposition;
    let p = float_product(dec);
    let n = target.rows();
    let order = padded.order();
    let t = to_float(target);
    let mut err = 0.0f64;
    for i in 0..dec.split.n() {
        for j in 0..n {
            let want = if i < n { t[(order[i], order[j])] } else { 0.0 };
            let d = p[(i, j)] - want;
            err += d * d;
        }
    }
    figures_with_error(dec, err.sqrt() / t.norm().max(f64::MIN_POSITIVE))
}

/// Float64 figures of one layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerReport {
    /// Lower or upper.
    pub kind: crate::layer::Kind,
    /// 2-norm condition number of the layer as an `n x n` matrix (float64 SVD).
    pub condition: f64,
    /// Largest magnitude of any shift or scale entry (rounded to float64).
    pub max_abs: f64,
    /// Largest bit size of any shift or scale entry.
    pub max_bits: u64,
}

/// The conditioning report of a decomposition: per layer the float64 condition
/// number, the largest entry magnitude and bit size; for the chain the float64
/// relative error of the product of the rounded layers against the exact
/// target, the largest entry bit size, the worst layer condition number and the
/// target's own condition number.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One entry per layer, in application order.
    pub layers: Vec<LayerReport>,
    /// `||P_float - T||_F / ||T||_F` for the float64 product `P_float` of the
    /// layers rounded to float64 (multiplied in application order).
    pub float_error: f64,
    /// Largest bit size of any layer entry.
    pub max_bits: u64,
    /// Largest layer condition number (1 for an empty chain).
    pub worst_condition: f64,
    /// Condition number of the target itself (the float error is naturally
    /// measured against `unit roundoff * cond(T)`).
    pub target_condition: f64,
}

/// Computes the [`Report`] of `dec` against its target.
///
/// # Examples
/// ```
/// use couplings::{analysis::report, decompose, exact::Matrix};
/// let t = Matrix::from_i64(&[&[2, 1, 0, 1], &[1, 1, 3, 0], &[2, 0, 1, 1], &[1, 1, 0, 2]]);
/// let r = report(&t, &decompose(&t).unwrap());
/// assert_eq!(r.layers.len(), 5);
/// assert!(r.worst_condition >= 1.0 && r.float_error < 1e-10);
/// assert!(r.to_text().contains("worst layer condition number"));
/// ```
pub fn report(target: &Matrix, dec: &Decomposition) -> Report {
    report_from(figures(target, dec), dec, target)
}

/// The [`Report`] of a padded decomposition (figures of [`padded_figures`]).
pub fn padded_report(target: &Matrix, padded: &PaddedDecomposition) -> Report {
    report_from(
        padded_figures(target, padded),
        &padded.decomposition,
        target,
    )
}

fn report_from(f: Figures, dec: &Decomposition, target: &Matrix) -> Report {
    let layers: Vec<LayerReport> = dec
        .layers
        .iter()
        .zip(&f.conditions)
        .map(|(l, &condition)| LayerReport {
            kind: l.kind,
            condition,
            max_abs: l
                .shift
                .entries()
                .iter()
                .chain(&l.scale)
                .map(|x| to_f64(x).abs())
                .fold(0.0, f64::max),
            max_bits: l.max_bits(),
        })
        .collect();
    Report {
        worst_condition: f.conditions.iter().cloned().fold(1.0, f64::max),
        layers,
        float_error: f.float_error,
        max_bits: f.max_bits,
        target_condition: condition_number(target),
    }
}

impl Report {
    /// A readable table: one line per layer, then the chain's figures.
    pub fn to_text(&self) -> String {
        let mut s =
            String::from("report: layer | kind | condition number | max |entry| | max bits\n");
        for (i, l) in self.layers.iter().enumerate() {
            s.push_str(&format!(
                "report: {:>5} | {:<5} | {:>16.3e} | {:>14.3e} | {:>8}\n",
                i + 1,
                l.kind.name(),
                l.condition,
                l.max_abs,
                l.max_bits
            ));
        }
        s.push_str(&format!(
            "report: {} layers, worst layer condition number {:.3e}, float64 product relative \
             error {:.3e} (target condition number {:.3e}), largest entry {} bits\n",
            self.layers.len(),
            self.worst_condition,
            self.float_error,
            self.target_condition,
            self.max_bits
        ));
        s
    }

    /// The report as a JSON object (numbers as JSON numbers; infinite condition
    /// numbers as `null`).
    pub fn to_json(&self) -> String {
        let num = |x: f64| {
            if x.is_finite() {
                serde_json::json!(x)
            } else {
                serde_json::Value::Null
            }
        };
        let layers: Vec<serde_json::Value> = self
            .layers
            .iter()
            .map(|l| {
                serde_json::json!({
                    "kind": l.kind.name(),
                    "condition": num(l.condition),
                    "max_abs": num(l.max_abs),
                    "max_bits": l.max_bits,
                })
            })
            .collect();
        serde_json::json!({
            "layers": layers,
            "float_error": num(self.float_error),
            "max_bits": self.max_bits,
            "worst_condition": num(self.worst_condition),
            "target_condition": num(self.target_condition),
        })
        .to_string()
    }
}

// ------------------------------------------------------------------ padding tables

/// The families of the depth-against-`K` tables of `docs/padding.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadFamily {
    /// `families::random_integer(n, n)` (entries in [-9, 9]), fewest layers.
    RandomSigned,
    /// The same target, the small-entry (balanced) strategy.
    RandomSmallEntries,
    /// The same target, positive mode (fewest layers).
    RandomPositive,
    /// A random integer matrix with `det < 0`, positive mode.
    NegativeDetPositive,
    /// `-I`, positive mode.
    MinusIdentityPositive,
    /// A seeded random permutation matrix, signed mode.
    PermutationSigned,
    /// The same permutations, positive mode.
    PermutationPositive,
}

impl PadFamily {
    /// Every family, in the order of `docs/padding.md`.
    pub const ALL: [PadFamily; 7] = [
        PadFamily::RandomSigned,
        PadFamily::RandomSmallEntries,
        PadFamily::RandomPositive,
        PadFamily::NegativeDetPositive,
        PadFamily::MinusIdentityPositive,
        PadFamily::PermutationSigned,
        PadFamily::PermutationPositive,
    ];

    /// The table's caption.
    pub fn caption(self) -> &'static str {
        match self {
            PadFamily::RandomSigned => {
                "Random integer matrix (entries in [-9, 9], `families::random_integer(n, n)`), signed mode, fewest layers (`--strategy shallow`)"
            }
            PadFamily::RandomSmallEntries => {
                "Same target, small entries (`--strategy balanced`: the chunked chain, three layers for K >= n)"
            }
            PadFamily::RandomPositive => "Same target, positive mode, fewest layers",
            PadFamily::NegativeDetPositive => {
                "Random integer matrix with det < 0 (first row negated when needed), positive mode (impossible without padding)"
            }
            PadFamily::MinusIdentityPositive => "-I, positive mode (det = -1 for odd n)",
            PadFamily::PermutationSigned => {
                "A random permutation matrix (`Rng::new(n).permutation(n)`), signed mode"
            }
            PadFamily::PermutationPositive => "The same permutations, positive mode",
        }
    }

    /// The target of size `n` and the options.
    pub fn sample(self, n: usize) -> (Matrix, crate::construct::Options) {
        use crate::construct::rng::Rng;
        use crate::construct::{Mode, Options, Strategy};
        let signed = |strategy| Options {
            strategy,
            ..Options::default()
        };
        let positive = Options {
            mode: Mode::Positive,
            ..Options::default()
        };
        let random = families::random_integer(n, n as u64);
        let perm = families::permutation_matrix(&Rng::new(n as u64).permutation(n));
        match self {
            PadFamily::RandomSigned => (random, signed(Strategy::Shallow)),
            PadFamily::RandomSmallEntries => (random, signed(Strategy::Balanced)),
            PadFamily::RandomPositive => (random, positive),
            PadFamily::NegativeDetPositive => {
                use num_traits::Signed;
                let t = if random.det().is_negative() {
                    random
                } else {
                    families::negate_row(&random, 0)
                };
                (t, positive)
            }
            PadFamily::MinusIdentityPositive => (families::minus_identity(n), positive),
            PadFamily::PermutationSigned => (perm, signed(Strategy::Shallow)),
            PadFamily::PermutationPositive => (perm, positive),
        }
    }
}

/// One row of a depth-against-`K` table: the layers of `decompose --pad K` for
/// `K = 1..=n`, and the unpadded layer count (`Err` with the table's label
/// when there is no unpadded decomposition: `"n/a (det<0)"` in positive mode
/// with `det < 0`, `"n/a (unsupported)"` when the strategy refuses `T`, e.g.
/// `balanced` for odd `n`).
pub fn pad_table_row(family: PadFamily, n: usize) -> (Vec<usize>, Result<usize, &'static str>) {
    let (t, options) = family.sample(n);
    let cells = (1..=n)
        .map(|k| {
            let p = crate::construct::pad::decompose_padded(&t, k, &options)
                .unwrap_or_else(|e| panic!("{family:?}, n = {n}, K = {k}: {e}"));
            crate::check::check_padded(&t, &p)
                .unwrap_or_else(|e| panic!("{family:?}, n = {n}, K = {k}: {e}"));
            p.len()
        })
        .collect();
    let unpadded = if n < 2 {
        Ok(usize::from(!t.is_identity()))
    } else {
        crate::construct::decompose_with(&t, &options)
            .map(|d| d.len())
            .map_err(|_| {
                use num_traits::Signed;
                if options.mode == crate::construct::Mode::Positive && t.det().is_negative() {
                    "n/a (det<0)"
                } else {
                    "n/a (unsupported)"
                }
            })
    };
    (cells, unpadded)
}

/// The depth-against-`K` grid of one family for `n` in `lo..=hi`, as the
/// fenced text block of `docs/padding.md`.
///
/// # Examples
/// ```
/// use couplings::analysis::{PadFamily, pad_table};
/// let t = pad_table(PadFamily::RandomSigned, 2, 3);
/// assert!(t.contains("\n2     3   3"));
/// ```
pub fn pad_table(family: PadFamily, lo: usize, hi: usize) -> String {
    let mut out = format!("{}:\n```\nn\\K", family.caption());
    for k in 1..=hi {
        out += &format!("{k:>4}");
    }
    out += "   | K=0 (unpadded)\n";
    for n in lo..=hi {
        out += &pad_table_line(family, n, hi);
        out += "\n";
    }
    out += "```\n";
    out
}

/// One line of [`pad_table`]: row `n` of a table whose columns run to
/// `K = width` (without the line break).
///
/// # Examples
/// ```
/// use couplings::analysis::{PadFamily, pad_table_line};
/// assert_eq!(pad_table_line(PadFamily::RandomSigned, 2, 3), "2     3   3       | 2");
/// ```
pub fn pad_table_line(family: PadFamily, n: usize, width: usize) -> String {
    let (cells, unpadded) = pad_table_row(family, n);
    let mut out = format!("{n:<3}");
    for k in 1..=width {
        match cells.get(k - 1) {
            Some(c) => out += &format!("{c:>4}"),
            None => out += "    ",
        }
    }
    out += &match unpadded {
        Ok(u) => format!("   | {u}"),
        Err(label) => format!("   | {label}"),
    };
    out
}

/// One row of the padded conditioning table: a chain's name, layers, worst
/// and per-layer float64 condition numbers, float64 error and largest entry.
#[derive(Debug, Clone, PartialEq)]
pub struct CondRow {
    /// Family and size, e.g. `glow rotation c=8`.
    pub target: String,
    /// `cond(T)` in float64.
    pub target_condition: f64,
    /// The chain, e.g. `padded K=n unit` or `unpadded conditioned`.
    pub chain: String,
    /// Number of layers.
    pub layers: usize,
    /// Per-layer condition numbers.
    pub conditions: Vec<f64>,
    /// Relative float64 error: `||P[:, :n] - [[T], [0]]|| / ||T||` (padded) or
    /// `||P - T|| / ||T||`.
    pub float_error: f64,
    /// Largest entry in bits.
    pub max_bits: u64,
}

/// The targets of the conditioning table: Glow rotations, Glow LU weights and
/// random integer matrices of size `c`, and a float32 matrix with condition
/// number about 1e6 (`Q1 diag(s) Q2`, `s` geometric from 1 to 1e-6).
pub fn pad_conditioning_targets(c: usize) -> Vec<(String, Matrix)> {
    let q1 = to_float(&families::glow_rotation(c, 11));
    let q2 = to_float(&families::glow_rotation(c, 12));
    let s = DMatrix::from_diagonal(&nalgebra::DVector::from_fn(c, |i, _| {
        10f64.powf(-6.0 * i as f64 / (c.max(2) - 1) as f64)
    }));
    vec![
        (
            format!("glow rotation c={c}"),
            families::glow_rotation(c, 1),
        ),
        (format!("glow LU c={c}"), families::glow_lu(c, 1)),
        (
            format!("random integer n={c}"),
            families::random_integer(c, c as u64),
        ),
        (
            format!("ill-conditioned (1e6) n={c}"),
            families::exact_f32(&(q1 * s * q2)),
        ),
    ]
}

/// The padded chains of `t` with `K = n` (the unit three layers, the scaled
/// three layers, the five-layer split chain), the chunked chain with
/// `K = n / 2`, and the unpadded strategies asked for (`unpadded` lists them).
pub fn pad_conditioning_rows(
    name: &str,
    t: &Matrix,
    unpadded: &[crate::construct::Strategy],
) -> Vec<CondRow> {
    use crate::construct::pad::{self, scaled, split_five};
    use crate::construct::{Options, Strategy};
    use crate::layer::{Decomposition, Mode, PaddedDecomposition, Split};
    let n = t.rows();
    let t_inv = t.inverse().expect("invertible target");
    let target_condition = condition_number(t);
    let mut rows = Vec::new();
    let mut padded_row = |label: &str, p: PaddedDecomposition| {
        crate::check::check_padded(t, &p).unwrap_or_else(|e| panic!("{name} {label}: {e}"));
        let f = padded_figures(t, &p);
        rows.push(CondRow {
            target: name.to_string(),
            target_condition,
            chain: label.to_string(),
            layers: f.layers,
            conditions: f.conditions,
            float_error: f.float_error,
            max_bits: f.max_bits,
        });
    };
    let wrap = |chain: Vec<Layer>, k: usize| PaddedDecomposition {
        pad: k,
        mask: None,
        decomposition: Decomposition {
            split: Split::new(n, k),
            mode: Mode::Signed,
            layers: chain,
        }
        .normalized(),
    };
    padded_row(
        "padded K=n, unit (default)",
        wrap(pad::three::chain(t, &t_inv, n).chain, n),
    );
    if let Some((s, _)) = scaled::choose(&to_float(t)) {
        padded_row(
            "padded K=n, scaled",
            wrap(scaled::layers(t, &t_inv, &s, n), n),
        );
    }
    if let Some((c, _)) = split_five::chain(t, &t_inv, n) {
        padded_row("padded K=n, split five", wrap(c.chain, n));
    }
    if n >= 2 {
        let k = n / 2;
        let options = Options {
            strategy: Strategy::Balanced,
            ..Options::default()
        };
        if let Ok(p) = pad::decompose_padded(t, k, &options) {
            padded_row("padded K=n/2, chunked", p);
        }
    }
    for &strategy in unpadded {
        let options = Options {
            strategy,
            ..Options::default()
        };
        if let Ok(d) = crate::construct::decompose_with(t, &options) {
            let f = figures(t, &d);
            rows.push(CondRow {
                target: name.to_string(),
                target_condition,
                chain: format!("unpadded {}", strategy.name()),
                layers: f.layers,
                conditions: f.conditions,
                float_error: f.float_error,
                max_bits: f.max_bits,
            });
        }
    }
    rows
}

/// The conditioning table (Markdown) of the given rows.
pub fn pad_conditioning_table(rows: &[CondRow]) -> String {
    let mut out = String::from(
        "| target | cond(T) | chain | layers | worst layer cond | per-layer cond | float64 error | max bits |\n|---|---:|---|---:|---:|---|---:|---:|\n",
    );
    for r in rows {
        let worst = r.conditions.iter().cloned().fold(1.0, f64::max);
        let per: Vec<String> = r.conditions.iter().map(|c| fmt_cond(*c)).collect();
        let per = if per.len() > 6 {
            format!("{} ... ({} layers)", per[..3].join(", "), per.len())
        } else {
            per.join(", ")
        };
        out += &format!(
            "| {} | {} | {} | {} | {} | {per} | {:.1e} | {} |\n",
            r.target,
            fmt_cond(r.target_condition),
            r.chain,
            r.layers,
            fmt_cond(worst),
            r.float_error,
            r.max_bits
        );
    }
    out
}

fn fmt_cond(c: f64) -> String {
    if !c.is_finite() {
        "inf".into()
    } else if c < 1000.0 {
        format!("{c:.3}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        format!("{c:.2e}")
    }
}

/// The exact padded depth census of `docs/padding.md`: every invertible
/// `n x n` matrix with entries in `values`, decided by
/// [`crate::depth::pad::padded_depth`] over every split; the keys are the
/// exact depth (`"0"` to `"3"`), or `"[4, u]"` / `"[3, u]"` with the certified
/// lower bound and the upper bound `u` of `decompose --pad`.
///
/// # Examples
/// ```
/// use couplings::{Mode, analysis::pad_census};
/// let counts = pad_census(2, 1, &[0, 1], Mode::Signed);
/// assert_eq!(counts.values().sum::<usize>(), 6); // the invertible 0/1 matrices
/// ```
pub fn pad_census(
    n: usize,
    pad: usize,
    values: &[i64],
    mode: crate::construct::Mode,
) -> std::collections::BTreeMap<String, usize> {
    use crate::depth::pad::{Depth, padded_depth};
    let mut counts = std::collections::BTreeMap::new();
    let cells = n * n;
    let total = values.len().pow(cells as u32);
    for code in 0..total {
        let mut c = code;
        let data: Vec<crate::exact::Q> = (0..cells)
            .map(|_| {
                let v = values[c % values.len()];
                c /= values.len();
                crate::exact::qi(v)
            })
            .collect();
        let t = Matrix::from_vec(n, n, data);
        if num_traits::Zero::is_zero(&t.det()) {
            continue;
        }
        let r = padded_depth(&t, pad, mode, None).expect("invertible input");
        let key = match r.depth() {
            Depth::Exact(d) => d.to_string(),
            Depth::AtLeast(d) => match &r.upper {
                Some(u) => format!("[{d}, {}]", u.len()),
                None => format!("[{d}, ?]"),
            },
        };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
