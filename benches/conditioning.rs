//! Conditioning trade-off: layers, worst layer condition number (float64 SVD),
//! float64 product error and entry bits per strategy, on Glow-style rotations,
//! Glow LU-parametrised weights, random integer matrices and the bundled
//! examples. Prints a Markdown table and writes `docs/conditioning.svg`.
//!
//! Run: `cargo bench --bench conditioning` (all families), or choose sizes with
//! `cargo bench --bench conditioning -- 8 16` (Glow families at c = 8, 16 and
//! random integer matrices at n = 8, 16). `COUPLINGS_BENCH_POSITIVE=1` adds the
//! positive-mode conditioned rows. `COUPLINGS_BENCH_NO_SVG=1` skips the plot;
//! `COUPLINGS_BENCH_ONLY=TEXT` keeps the families whose name contains `TEXT`;
//! `COUPLINGS_BENCH_STRATEGY=NAME` runs one strategy only;
//! `COUPLINGS_BENCH_EXACT_MAX=N` runs the exact decompositions only up to `n = N`
//! (the float-side table below the main one covers every size).

use couplings::analysis::report;
use couplings::exact::Matrix;
use couplings::families;
use couplings::{Mode, Options, Strategy, decompose_with};
use std::time::Instant;

struct Row {
    family: String,
    strategy: String,
    layers: usize,
    worst: f64,
    error: f64,
    target_cond: f64,
    bits: u64,
    secs: f64,
}

fn run(family: &str, t: &Matrix, strategy: Strategy, mode: Mode, rows: &mut Vec<Row>) {
    let options = Options {
        strategy,
        mode,
        ..Options::default()
    };
    eprintln!("{family}: {} ({}) ...", strategy.name(), mode.name());
    let start = Instant::now();
    let label = if mode == Mode::Positive {
        format!("{} (positive)", strategy.name())
    } else {
        strategy.name().to_string()
    };
    match decompose_with(t, &options) {
        Ok(dec) => {
            let secs = start.elapsed().as_secs_f64();
            let r = report(t, &dec);
            rows.push(Row {
                family: family.to_string(),
                strategy: label,
                layers: dec.len(),
                worst: r.worst_condition,
                error: r.float_error,
                target_cond: r.target_condition,
                bits: r.max_bits,
                secs,
            });
        }
        Err(e) => eprintln!("  {family} {label}: {e}"),
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let glow = if sizes.is_empty() {
        vec![8, 16, 32, 64]
    } else {
        sizes.clone()
    };
    let ints: Vec<usize> = if sizes.is_empty() {
        vec![8, 16, 32]
    } else {
        sizes.clone()
    };
    let positive = std::env::var("COUPLINGS_BENCH_POSITIVE").is_ok();
    let mut families_list: Vec<(String, Matrix)> = Vec::new();
    for &c in &glow {
        families_list.push((
            format!("glow rotation c={c}"),
            families::glow_rotation(c, 1),
        ));
    }
    for &c in &glow {
        families_list.push((format!("glow LU c={c}"), families::glow_lu(c, 1)));
    }
    for &n in &ints {
        families_list.push((
            format!("random integer n={n}"),
            families::random_integer(n, 1),
        ));
    }
    {
        let mut paths: Vec<_> = std::fs::read_dir("examples")
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).expect("readable example");
            if let Ok(m) = couplings::io::parse_matrix(&text) {
                let name = p.file_stem().unwrap().to_string_lossy().to_string();
                families_list.push((format!("examples/{name}"), m));
            }
        }
    }
    let exact_sizes: Option<usize> = std::env::var("COUPLINGS_BENCH_EXACT_MAX")
        .ok()
        .and_then(|v| v.parse().ok());
    if let Ok(only) = std::env::var("COUPLINGS_BENCH_ONLY") {
        families_list.retain(|(name, _)| name.contains(&only));
    }
    let strategies: Vec<Strategy> = match std::env::var("COUPLINGS_BENCH_STRATEGY") {
        Ok(s) => Strategy::ALL
            .into_iter()
            .filter(|x| x.name() == s)
            .collect(),
        Err(_) => vec![Strategy::Shallow, Strategy::Conditioned],
    };
    let mut rows = Vec::new();
    for (name, t) in &families_list {
        if exact_sizes.is_some_and(|m| t.rows() > m) {
            continue;
        }
        for &strategy in &strategies {
            run(name, t, strategy, Mode::Signed, &mut rows);
        }
        if positive && t.det() > couplings::exact::qi(0) {
            run(name, t, Strategy::Conditioned, Mode::Positive, &mut rows);
        }
    }
    println!(
        "| family | strategy | layers | worst layer cond | float64 rel. error | cond(W) | error / (1e-12 cond(W)) | max entry bits | time (s) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {:.2e} | {:.2e} | {:.2e} | {:.1e} | {} | {:.2} |",
            r.family,
            r.strategy,
            r.layers,
            r.worst,
            r.error,
            r.target_cond,
            r.error / (1e-12 * r.target_cond),
            r.bits,
            r.secs
        );
    }
    // The floating-point half alone (cheap at every size): the rounded
    // approximation chain A and its residual against T J^-1 F / s.
    println!();
    println!(
        "| family | approximation layers | worst layer cond | residual after rounding | max entry bits | time (s) |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, t) in &families_list {
        let start = Instant::now();
        if let Some((chain, residual)) = couplings::construct::conditioned::approximation(t) {
            let split = couplings::Split::halves(t.rows());
            let worst = chain
                .iter()
                .map(|l| couplings::analysis::layer_condition(l, split))
                .fold(1.0, f64::max);
            let bits = chain.iter().map(|l| l.max_bits()).max().unwrap_or(0);
            println!(
                "| {name} | {} | {worst:.2e} | {residual:.2e} | {bits} | {:.2} |",
                chain.len(),
                start.elapsed().as_secs_f64()
            );
        } else {
            println!("| {name} | fit failed | | | | |");
        }
    }
    if std::env::var("COUPLINGS_BENCH_NO_SVG").is_err() {
        let svg = plot(&rows);
        std::fs::write("docs/conditioning.svg", svg).expect("write docs/conditioning.svg");
        eprintln!("wrote docs/conditioning.svg");
    }
}

/// Two log-scale panels (worst layer condition number; float64 product error),
/// one column per family, one marker per strategy.
fn plot(rows: &[Row]) -> String {
    let mut fams: Vec<&str> = Vec::new();
    for r in rows {
        if !fams.contains(&r.family.as_str()) {
            fams.push(&r.family);
        }
    }
    let mut strategies: Vec<&str> = Vec::new();
    for r in rows {
        if !strategies.contains(&r.strategy.as_str()) {
            strategies.push(&r.strategy);
        }
    }
    let colors = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd"];
    let (w, left, top, panel, gap) = (60.0 + 48.0 * fams.len() as f64, 70.0, 40.0, 220.0, 60.0);
    let width = w + left;
    let height = top + 2.0 * panel + gap + 190.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    let x_of = |i: usize| left + 30.0 + 48.0 * i as f64;
    let panels = [
        ("worst layer condition number (log10)", 0.0, 16.0, 0usize),
        ("float64 product relative error (log10)", -17.0, 1.0, 1usize),
    ];
    for (title, lo, hi, k) in panels {
        let y0 = top + k as f64 * (panel + gap);
        let y_of = |v: f64| y0 + panel - (v.clamp(lo, hi) - lo) / (hi - lo) * panel;
        s.push_str(&format!(
            "<text x=\"{left}\" y=\"{}\" font-size=\"13\">{title}</text>\n",
            y0 - 8.0
        ));
        s.push_str(&format!(
            "<rect x=\"{left}\" y=\"{y0}\" width=\"{w}\" height=\"{panel}\" fill=\"none\" stroke=\"black\"/>\n"
        ));
        let mut v = lo;
        while v <= hi {
            let y = y_of(v);
            s.push_str(&format!(
                "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd\"/>\
                 <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{v}</text>\n",
                left + w,
                left - 5.0,
                y + 4.0
            ));
            v += 2.0;
        }
        // Targets: cond 1e3 (top panel), error 1e-10 (bottom panel).
        let target = if k == 0 { 3.0 } else { -10.0 };
        let y = y_of(target);
        s.push_str(&format!(
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n",
            left + w
        ));
        for r in rows {
            let i = fams.iter().position(|f| *f == r.family).unwrap();
            let j = strategies.iter().position(|f| *f == r.strategy).unwrap();
            let value = if k == 0 { r.worst } else { r.error };
            let lv = if value > 0.0 { value.log10() } else { lo };
            s.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>\n",
                x_of(i) + 8.0 * j as f64 - 4.0,
                y_of(lv),
                colors[j % colors.len()]
            ));
        }
    }
    let ybase = top + 2.0 * panel + gap + 8.0;
    for (i, f) in fams.iter().enumerate() {
        s.push_str(&format!(
            "<text transform=\"translate({},{ybase}) rotate(60)\">{f}</text>\n",
            x_of(i)
        ));
    }
    for (j, st) in strategies.iter().enumerate() {
        s.push_str(&format!(
            "<circle cx=\"{}\" cy=\"18\" r=\"5\" fill=\"{}\"/><text x=\"{}\" y=\"22\">{st}</text>\n",
            left + 10.0 + 150.0 * j as f64,
            colors[j % colors.len()],
            left + 20.0 + 150.0 * j as f64
        ));
    }
    s.push_str("</svg>\n");
    s
}
