//! Emulated reads, recorded as `tapid read --record` records them: the JSONL transcript
//! (`transcript`), the evidence bundle the read produced (`evidence`), and every command and
//! response APDU that crossed the link (`apdu`).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use tapid_card::deterministic::SeededRng;
use tapid_card::transcript::Recorder;
use tapid_card::{CardTransport, TransportCapabilities, TransportError};
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::reader::{self, ReadOptions, Verification};

use super::{Corpus, SeedError};
use crate::block_on::block_on;

/// The reads recorded: profile, whether the CAN opens it (else the MRZ), extended length.
/// One per access protocol and secure-messaging cipher family, few because the transcript
/// target replays each in full.
pub const READS: [(&str, bool, bool); 4] = [
    ("bac", false, true),
    ("pace-ca-aa", false, true),
    ("pace-cam-bp256-aes128", true, true),
    ("se-id-bac", false, false),
];

/// The commands and responses seen on a link (what the `apdu` target gets).
type Exchanges = Arc<Mutex<Vec<(Vec<u8>, Vec<u8>)>>>;

/// A transport that keeps a copy of every exchange.
struct Capture<T> {
    inner: T,
    seen: Exchanges,
}

#[async_trait]
impl<T: CardTransport> CardTransport for Capture<T> {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        let response = self.inner.transmit(command).await?;
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((command.to_vec(), response.clone()));
        Ok(response)
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }

    fn historical_bytes(&self) -> Option<Vec<u8>> {
        self.inner.historical_bytes()
    }
}

/// What one recorded read left.
pub struct Recorded {
    /// The profile read.
    pub profile: String,
    /// The transcript (JSONL).
    pub transcript: String,
    /// The evidence bundle (canonical JSON).
    pub evidence: Vec<u8>,
    /// Every exchange, command and response.
    pub exchanges: Vec<(Vec<u8>, Vec<u8>)>,
}

/// The CLI's `DOC,YYMMDD,YYMMDD` form of an MRZ key (as `tapid read` records it), from the
/// key's MRZ_information (number ‖ cd ‖ birth ‖ cd ‖ expiry ‖ cd).
pub fn mrz_triple(key: &MrzKey) -> String {
    let info = key.mrz_information();
    let len = info.len();
    let part = |from: usize, to: usize| info.get(from..to).unwrap_or_default().to_owned();
    let doc = part(0, len.saturating_sub(15));
    format!(
        "{},{},{}",
        doc.trim_end_matches('<'),
        part(len.saturating_sub(14), len.saturating_sub(8)),
        part(len.saturating_sub(7), len.saturating_sub(1))
    )
}

/// Reads profile `name` from an emulated chip, recording it with the header `tapid read
/// --record` writes (access key, options, source, trust), verified against the test CSCAs.
///
/// # Errors
/// When the profile or chip does not build, or the read fails.
pub fn record(name: &str, use_can: bool, extended: bool) -> Result<Recorded, SeedError> {
    let failed = |detail: String| SeedError::Read {
        profile: name.to_owned(),
        detail,
    };
    let profile = Profile::named(name)?;
    let (key, kind, value) = match (use_can, profile.can()) {
        (true, Some(can)) => (
            AccessKey::Can(Can::new(can).map_err(|e| failed(e.to_string()))?),
            "can",
            can.to_owned(),
        ),
        _ => {
            let key = profile.mrz_key()?;
            let triple = mrz_triple(&key);
            (AccessKey::Mrz(key), "mrz", triple)
        }
    };
    let options = ReadOptions {
        extended_length: extended,
        ..ReadOptions::default()
    };
    let config = ChipConfig {
        extended_length: extended,
    };
    let chip = EmulatorTransport::new(Chip::new(&profile, config, name.as_bytes())?);
    let mut meta = BTreeMap::new();
    for (k, v) in [
        ("access.kind", kind.to_owned()),
        ("access.value", value),
        ("options.data_groups", "2,11,12,14,15".to_owned()),
        ("options.extended_length", extended.to_string()),
        ("options.allow_bac_fallback", "false".to_owned()),
        ("options.allow_explicit_pace_parameters", "false".to_owned()),
        ("options.read_unlisted", "false".to_owned()),
        ("options.trust", "builtin:emulator-test-pki".to_owned()),
        ("options.now", crate::AT.to_string()),
        ("source", name.to_owned()),
    ] {
        meta.insert(k.to_owned(), v);
    }
    let recorder = Recorder::new(chip.capabilities(), meta);
    let seen = Exchanges::default();
    let mut transport = Capture {
        inner: recorder.transport(chip),
        seen: Arc::clone(&seen),
    };
    let mut rng = recorder.rng(SeededRng::new(format!("tapid-fuzz read {name}").as_bytes()));
    let trust = tapid_emulator::pki::test_trust_store()?;
    let verification = Verification::new(&trust, crate::AT);
    let read = block_on(reader::read(
        &mut transport,
        &key,
        &options,
        &verification,
        &mut rng,
        &mut |_| {},
    ))
    .ok_or_else(|| failed("the read did not finish".into()))?
    .map_err(|e| failed(e.to_string()))?;
    let exchanges = std::mem::take(&mut *seen.lock().unwrap_or_else(PoisonError::into_inner));
    Ok(Recorded {
        profile: name.to_owned(),
        transcript: recorder.to_jsonl(),
        evidence: read.evidence().to_canonical_bytes(),
        exchanges,
    })
}

/// The transcripts with near-misses, a transcript whose header names no key (parsed, not
/// replayed), the evidence bundles with near-misses, and the APDUs of every read.
///
/// # Errors
/// When a read fails.
pub fn seeds(corpus: &mut Corpus) -> Result<(), SeedError> {
    for (name, use_can, extended) in READS {
        let r = record(name, use_can, extended)?;
        let label = format!(
            "read of {} ({})",
            r.profile,
            if use_can { "CAN" } else { "MRZ" }
        );
        corpus.with_near_misses(
            "transcript",
            &format!("transcript, {label}"),
            r.transcript.clone().into_bytes(),
        );
        corpus.with_near_misses("evidence", &format!("evidence, {label}"), r.evidence);
        for (i, (command, response)) in r.exchanges.into_iter().enumerate() {
            corpus.genuine("apdu", format!("{label}, command {i}"), command);
            corpus.genuine("apdu", format!("{label}, response {i}"), response);
        }
        if name == "bac" {
            let keyless: String = r.transcript.replacen("\"access.kind\":\"mrz\",", "", 1);
            corpus.genuine(
                "transcript",
                format!("transcript without its key, {label}"),
                keyless.into_bytes(),
            );
        }
    }
    // Neither command nor response: one byte.
    corpus.near_miss("apdu", "one byte", vec![0x90]);
    Ok(())
}
