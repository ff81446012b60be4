//! Writes a Glow-shaped float32 safetensors checkpoint
//! ([`couplings::families::glow_checkpoint`]): CIFAR-10 sized by default, three
//! levels with c = 12, 24, 48 and 32 steps each (96 1x1 convolutions, plus
//! actnorm and coupling tensors that are not weights), for `couplings convert`
//! (docs/export.md, "Converting a checkpoint").
//!
//! `cargo run --release --example glow_checkpoint -- OUT.safetensors [--normflows-lu]
//! [--levels 12,24,48] [--steps 32] [--seed 1]`
//!
//! `--normflows-lu` stores each weight as a normflows LU group
//! (`flows.{l}.{s}.invconv.{P,L,U,log_S,sign_S,eye}`) instead of
//! `flows.{l}.{s}.invconv.weight`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut out = None;
    let (mut levels, mut steps, mut seed, mut lu) = (vec![12, 24, 48], 32, 1u64, false);
    let mut it = args.iter();
    let usage = "usage: glow_checkpoint OUT.safetensors [--normflows-lu] [--levels 12,24,48] \
                 [--steps 32] [--seed 1]";
    while let Some(a) = it.next() {
        let mut value = || it.next().expect(usage).clone();
        match a.as_str() {
            "--normflows-lu" => lu = true,
            "--levels" => {
                levels = (value().split(','))
                    .map(|c| c.parse().expect(usage))
                    .collect()
            }
            "--steps" => steps = value().parse().expect(usage),
            "--seed" => seed = value().parse().expect(usage),
            path => out = Some(path.to_string()),
        }
    }
    let out = out.expect(usage);
    let bytes = couplings::families::glow_checkpoint(&levels, steps, lu, seed);
    std::fs::write(&out, &bytes).expect("cannot write the checkpoint");
    println!(
        "wrote {out}: levels {levels:?}, {steps} steps each ({} weights{}), {} bytes",
        levels.len() * steps,
        if lu { ", normflows LU groups" } else { "" },
        bytes.len()
    );
}
