//! Prints the fingerprints of the determinism probes, run natively. `cargo xtask test` passes
//! them to the wasm tests, which must compute the same ones.

fn main() {
    println!("{}", stampede_core::presets::probe_fingerprints());
}
