#![no_main]
//! `cargo fuzz run atr_info`: the target `atr_info` of tapid_fuzz::TARGETS (see fuzz/README.md).

use tapid_fuzz::Outcome;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let target = tapid_fuzz::target("atr_info").expect("a target of tapid_fuzz::TARGETS");
    if let Outcome::Violation(v) = target(data) {
        panic!("atr_info: {v}");
    }
});
