//! `stampede sweep --vary` specs and `--shard` specs.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(vary) = stampede_cli::sweep::parse_vary(&text) {
        assert!(vary.values.len() <= stampede_cli::sweep::STEPS_MAX);
    }
    let _ = stampede_cli::sweep::parse_shard(&text);
});
