//! Sweep CSVs given to `stampede merge`: parse two shards (the input split at its first NUL
//! byte, or the same text twice) and merge them.
#![no_main]

use stampede_cli::sweep::{Table, merge};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\0').unwrap_or((&text, &text));
    let (Ok((first, _)), Ok((second, _))) = (Table::parse(a, "a.csv"), Table::parse(b, "b.csv"))
    else {
        return;
    };
    if let Ok((merged, missing_count, missing)) =
        merge(vec![("a.csv".into(), first), ("b.csv".into(), second)])
    {
        assert!(missing.len() <= missing_count);
        let _ = merged.to_csv();
    }
});
