#![no_main]
//! `cargo fuzz run dg15`: the target `dg15` of tapid_fuzz::TARGETS (see fuzz/README.md).

use tapid_fuzz::Outcome;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let target = tapid_fuzz::target("dg15").expect("a target of tapid_fuzz::TARGETS");
    if let Outcome::Violation(v) = target(data) {
        panic!("dg15: {v}");
    }
});
