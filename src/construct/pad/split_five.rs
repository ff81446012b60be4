//! `K >= n`, conditioned, five layers: `T = T1 T2` with `T2` the square root of
//! the polar factor `H = (T^T T)^(1/2)` rounded to float32 (an exact dyadic
//! matrix) and `T1 = T T2^-1` exact, so each factor has condition number about
//! `sqrt(cond T)`; the scaled three-layer chains of [`super::scaled`] for `T2`
//! and then `T1` share the padded coordinates, and the last lower layer of the
//! first chain merges with the first lower layer of the second (`merge_lower`
//! of `proofs/layers.proof`): five layers, the worst with condition number
//! about `2 cond(T)^(1/4)`. Entries are larger than the three-layer chain's
//! (the inverse of the dyadic `T2` enters).

use super::Candidate;
use super::scaled::{choose, layer_cond, layers, norm2};
use crate::construct::Construction;
use crate::exact::{Matrix, to_f64, to_float};
use crate::layer::Split;
use nalgebra::DMatrix;
use num_rational::BigRational;

/// The five-layer chain (before merging: six layers) and its predicted worst
/// layer condition number; `None` when a float step fails or `T2` is singular.
pub fn chain(t: &Matrix, t_inv: &Matrix, pad: usize) -> Option<(Candidate, f64)> {
    let n = t.rows();
    let tf = to_float(t);
    let svd = tf.clone().svd(true, true);
    let v_t = svd.v_t?;
    let root: DMatrix<f64> = DMatrix::from_diagonal(&svd.singular_values.map(f64::sqrt));
    let h_half = v_t.transpose() * root * &v_t;
    let mut t2 = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..n {
            let v = f64::from(h_half[(i, j)] as f32);
            t2.set(i, j, BigRational::from_float(v)?);
        }
    }
    let t2_inv = t2.inverse().ok()?;
    let t1 = t * &t2_inv;
    let t1_inv = &t2 * t_inv;
    let (s2, c2) = choose(&to_float(&t2))?;
    let (s1, c1) = choose(&to_float(&t1))?;
    // The merged middle lower layer: t1 I - d1' d2 t2 T2^-1 with scale d1' d2.
    let (t1s, d1s) = (to_f64(&s1.t), to_f64(&s1.d1));
    let (t2s, d2s) = (to_f64(&s2.t), to_f64(&s2.d2));
    let merged = DMatrix::<f64>::identity(n, n) * t1s - to_float(&t2_inv) * (d1s * d2s * t2s);
    let middle = layer_cond(norm2(&merged), d1s * d2s);
    let worst = [c2[0], c2[1], middle, c1[1], c1[2]]
        .into_iter()
        .fold(1.0, f64::max);
    // lemma: merge_lower (the two middle lower layers become one)
    let mut chain = layers(&t2, &t2_inv, &s2, pad);
    chain.extend(layers(&t1, &t1_inv, &s1, pad));
    Some((
        Candidate {
            chain,
            split: Split::new(n, pad),
            mask: None,
            construction: Construction::PaddedSplitFive,
        },
        worst,
    ))
}
