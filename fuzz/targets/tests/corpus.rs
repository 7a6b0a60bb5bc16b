//! The corpus replay: every generated seed, every conformance input and every committed
//! regression input through its target (the functions the fuzz binaries run). No input may
//! panic or report a violation; every target must accept at least one input (its success
//! path is reachable from the seeds) and reject at least one of its near-misses (the seeds
//! reach its error paths too). Prints, per target: inputs, accepted, rejected.
#![allow(clippy::expect_used, clippy::indexing_slicing, missing_docs)]

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use tapid_fuzz::seeds::{self, Kind, Seed, files};
use tapid_fuzz::{Outcome, TARGETS};

/// What a target did with its inputs.
#[derive(Default)]
struct Tally {
    inputs: usize,
    accepted: usize,
    rejected: usize,
    near_misses_rejected: usize,
    failures: Vec<String>,
}

fn corpus() -> Vec<Seed> {
    let mut all = seeds::generated().expect("the seed generators work");
    if let Some(dir) = tapid_test_support::conformance::conformance_dir() {
        all.extend(seeds::conformance::seeds(&dir).expect("the conformance files read"));
    }
    all.extend(files::regressions(&files::regressions_dir()).expect("fuzz/regressions reads"));
    all
}

fn replay(seeds: &[Seed]) -> BTreeMap<&'static str, Tally> {
    let mut tallies: BTreeMap<&'static str, Tally> = TARGETS
        .iter()
        .map(|(n, _)| (*n, Tally::default()))
        .collect();
    for seed in seeds {
        let tally = tallies.get_mut(seed.target).expect("a seed names a target");
        let target = tapid_fuzz::target(seed.target).expect("a seed names a target");
        tally.inputs += 1;
        match catch_unwind(AssertUnwindSafe(|| target(&seed.bytes))) {
            Ok(Outcome::Accepted) => tally.accepted += 1,
            Ok(Outcome::Rejected) => {
                tally.rejected += 1;
                if seed.kind == Kind::NearMiss {
                    tally.near_misses_rejected += 1;
                }
            }
            Ok(Outcome::Violation(v)) => tally
                .failures
                .push(format!("{}: violation: {v}", seed.label)),
            Err(_) => tally.failures.push(format!("{}: panicked", seed.label)),
        }
    }
    tallies
}

#[test]
fn every_target_replays_its_seeds_conformance_inputs_and_regressions() {
    let seeds = corpus();
    // Both cores: the targets split in two halves, each replayed on its own thread.
    let (first, second): (Vec<Seed>, Vec<Seed>) = seeds.into_iter().partition(|s| {
        TARGETS
            .iter()
            .position(|(n, _)| *n == s.target)
            .unwrap_or(0)
            % 2
            == 0
    });
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| replay(&first));
        let b = scope.spawn(|| replay(&second));
        (
            a.join().expect("replay thread"),
            b.join().expect("replay thread"),
        )
    });
    let mut problems = Vec::new();
    println!(
        "{:>16} {:>6} {:>9} {:>9}",
        "target", "seeds", "accepted", "rejected"
    );
    for (name, _) in TARGETS {
        let (x, y) = (&a[name], &b[name]);
        let inputs = x.inputs + y.inputs;
        let accepted = x.accepted + y.accepted;
        let rejected = x.rejected + y.rejected;
        println!("{name:>16} {inputs:>6} {accepted:>9} {rejected:>9}");
        problems.extend(
            x.failures
                .iter()
                .chain(&y.failures)
                .map(|f| format!("{name}: {f}")),
        );
        if accepted == 0 {
            problems.push(format!("{name}: no input reaches the success path"));
        }
        if x.near_misses_rejected + y.near_misses_rejected == 0 {
            problems.push(format!("{name}: no near-miss is rejected"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_target_has_a_regression_folder() {
    let dir = files::regressions_dir();
    for (name, _) in TARGETS {
        assert!(
            dir.join(name).is_dir(),
            "fuzz/regressions/{name}/ is missing"
        );
    }
    // Every folder names a target (a typo would silently drop its inputs otherwise).
    files::regressions(&dir).expect("every regression folder names a target");
}

#[test]
fn seeds_are_written_one_file_per_input_named_by_its_hash() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let mut corpus = seeds::Corpus::new();
    corpus.with_near_misses("tlv", "short length", vec![0x04, 0x02, 0xAB, 0xCD]);
    corpus.genuine("qr", "not a frame", b"bankid.".to_vec());
    // The same bytes again for the same target are kept once.
    corpus.genuine("tlv", "again", vec![0x04, 0x02, 0xAB, 0xCD]);
    let seeds = corpus.into_seeds();
    let counts = files::write(&seeds, out.path()).expect("the corpus is written");
    assert_eq!(counts.get("tlv"), Some(&5));
    assert_eq!(counts.get("qr"), Some(&1));
    for seed in &seeds {
        let path = out.path().join(seed.target).join(seed.file_name());
        assert_eq!(std::fs::read(&path).expect("written"), seed.bytes);
        assert_eq!(seed.file_name().len(), 16);
    }
    assert_eq!(
        std::fs::read_dir(out.path().join("tlv"))
            .expect("a folder")
            .count(),
        5
    );
}
