//! `cargo run -p tapid-fuzz --bin fuzz-seeds [-- --out DIR] [--conformance DIR]`: writes every
//! seed (generated, conformance, committed regressions) to `DIR/<target>/<sha256 prefix>`,
//! by default `fuzz/corpus/`, the corpus `cargo fuzz run <target> fuzz/corpus/<target>`
//! starts from. The conformance data is read in place (`TAPID_CONFORMANCE_DIR`, default
//! `../shared/conformance`); without it the corpus holds the generated seeds only, unless
//! `TAPID_REQUIRE_CONFORMANCE=1` makes that an error.

use std::path::PathBuf;
use std::process::ExitCode;

use tapid_fuzz::seeds::{self, Seed, SeedError, files};

/// Where to write and what to read.
struct Args {
    out: PathBuf,
    conformance: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut out = files::corpus_dir();
    let mut conformance = seeds::conformance::default_dir();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or(format!("{arg} needs a directory"))
        };
        match arg.as_str() {
            "--out" => out = value()?,
            "--conformance" => conformance = value()?,
            other => {
                return Err(format!(
                    "unknown argument {other:?} (--out DIR, --conformance DIR)"
                ));
            }
        }
    }
    Ok(Args { out, conformance })
}

fn all(args: &Args) -> Result<Vec<Seed>, String> {
    let text = |e: SeedError| e.to_string();
    let mut all = seeds::generated().map_err(text)?;
    if args.conformance.join("README.md").is_file() {
        all.extend(seeds::conformance::seeds(&args.conformance).map_err(text)?);
    } else if std::env::var("TAPID_REQUIRE_CONFORMANCE").as_deref() == Ok("1") {
        return Err(format!(
            "conformance data required but missing at {}",
            args.conformance.display()
        ));
    } else {
        eprintln!(
            "note: no conformance data at {}; generated seeds only",
            args.conformance.display()
        );
    }
    all.extend(files::regressions(&files::regressions_dir()).map_err(text)?);
    Ok(all)
}

fn main() -> ExitCode {
    let result = args().and_then(|args| {
        let all = all(&args)?;
        let counts = files::write(&all, &args.out).map_err(|e| e.to_string())?;
        Ok((args.out, counts))
    });
    match result {
        Ok((out, counts)) => {
            for (target, n) in &counts {
                println!("{target:>16} {n:>5}");
            }
            println!(
                "{} inputs written below {}",
                counts.values().sum::<usize>(),
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fuzz-seeds: {e}");
            ExitCode::FAILURE
        }
    }
}
