#![no_main]
//! `cargo fuzz run card_security`: the target `card_security` of tapid_fuzz::TARGETS (see fuzz/README.md).

use tapid_fuzz::Outcome;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let target = tapid_fuzz::target("card_security").expect("a target of tapid_fuzz::TARGETS");
    if let Outcome::Violation(v) = target(data) {
        panic!("card_security: {v}");
    }
});
