//! The reader session: open the chip, read the files the caller asks for, and report.

use std::collections::BTreeMap;

use tapid_card::{CardTransport, StatusWord, TransportError};

use super::channel::Channel;
use super::error::{Progress, ReadError};
use super::files::{self, ReadPolicy};
use super::report::{AccessReport, DocumentReport, FileReport, Report, TransportReport};
use crate::bac::{self, BacError, BacTerminal, DocumentKeys};
use crate::lds::com::EfCom;
use crate::lds::dg1::Dg1;
use crate::lds::{DataGroup, ElementaryFile};
use crate::mrz::AccessKey;
use crate::pa::PaReport;
use crate::symmetric::CipherAlg;

/// What to read and how.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Data groups to read besides DG1 (DG1 is always read).
    pub data_groups: Vec<DataGroup>,
    /// Use extended length when the transport supports it.
    pub extended_length: bool,
    /// Cap on the READ BINARY block size (for slow or fussy links).
    pub max_block: Option<usize>,
    /// Read EF.SOD for passive authentication.
    pub read_sod: bool,
    /// The current year, to resolve two-digit years in the MRZ.
    pub current_year: u16,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            data_groups: vec![DataGroup::DG2],
            extended_length: true,
            max_block: None,
            read_sod: true,
            current_year: 2026,
        }
    }
}

/// A step of the read, for progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// Running access control (`BAC` or `PACE`).
    Authenticating(&'static str),
    /// Bytes of a file arrived.
    Reading {
        /// File name.
        file: String,
        /// Bytes read so far.
        done: usize,
        /// File size.
        total: usize,
    },
    /// A file is complete.
    FileDone(String),
}

/// A completed read: the report and the raw files.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    /// The verification report.
    pub report: Report,
    /// Every file read, raw, by file.
    pub files: BTreeMap<ElementaryFile, Vec<u8>>,
}

/// Reads a passport: access control, EF.COM, DG1, the requested data groups and EF.SOD.
pub async fn read<T, R>(
    transport: &mut T,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let mut ch = Channel::new(transport);
    let mut files_read: BTreeMap<ElementaryFile, Vec<u8>> = BTreeMap::new();
    let result = run(&mut ch, key, options, rng, progress, &mut files_read).await;
    match result {
        Err(ReadError::Transport(TransportError::LinkLost)) => Err(ReadError::LinkLost {
            progress: Progress {
                complete: files_read
                    .iter()
                    .map(|(f, b)| (f.name(), b.len()))
                    .collect(),
                partial: None,
            },
        }),
        other => other,
    }
}

async fn run<T, R>(
    ch: &mut Channel<'_, T>,
    key: &AccessKey,
    options: &ReadOptions,
    rng: &mut R,
    progress: &mut (dyn FnMut(ProgressEvent) + Send),
    files_read: &mut BTreeMap<ElementaryFile, Vec<u8>>,
) -> Result<ReadOutcome, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    files::select_application(ch).await?;
    progress(ProgressEvent::Authenticating("BAC"));
    let access = match key {
        AccessKey::Mrz(mrz) => run_bac(ch, DocumentKeys::derive(mrz), rng).await?,
        AccessKey::Can(_) => return Err(ReadError::AccessDenied),
    };

    let caps = ch.capabilities();
    let mut policy = ReadPolicy::new(
        caps.extended_length,
        caps.max_response_len,
        options.extended_length,
        options.max_block,
    );
    let mut absent = Vec::new();

    let mut wanted = vec![ElementaryFile::Com, ElementaryFile::Dg(DataGroup::DG1)];
    wanted.extend(
        options
            .data_groups
            .iter()
            .filter(|dg| **dg != DataGroup::DG1)
            .map(|dg| ElementaryFile::Dg(*dg)),
    );
    if options.read_sod {
        wanted.push(ElementaryFile::Sod);
    }
    let mut com: Option<EfCom> = None;
    for ef in wanted {
        if files_read.contains_key(&ef) {
            continue;
        }
        if !files::select_file(ch, ef).await? {
            match ef {
                ElementaryFile::Dg(dg) if dg == DataGroup::DG1 => {
                    return Err(ReadError::Chip {
                        command: "SELECT DG1",
                        sw: StatusWord::FILE_NOT_FOUND,
                    });
                }
                _ => absent.push(ef.name()),
            }
            continue;
        }
        let name = ef.name();
        let mut on_bytes = |done: usize, total: usize| {
            progress(ProgressEvent::Reading {
                file: name.clone(),
                done,
                total,
            });
        };
        let bytes = files::read_selected(ch, ef, &mut policy, &mut on_bytes).await?;
        if ef == ElementaryFile::Com {
            com = EfCom::parse(&bytes).ok();
        }
        progress(ProgressEvent::FileDone(name));
        files_read.insert(ef, bytes);
    }

    let dg1_bytes = files_read
        .get(&ElementaryFile::Dg(DataGroup::DG1))
        .ok_or(ReadError::Chip {
            command: "SELECT DG1",
            sw: StatusWord::FILE_NOT_FOUND,
        })?;
    let dg1 = Dg1::parse(dg1_bytes)?;
    let stats = ch.stats();
    let report = Report {
        access,
        document: DocumentReport::from_mrz(&dg1.mrz, options.current_year),
        lds: com,
        files: files_read
            .iter()
            .map(|(ef, b)| {
                (
                    ef.name(),
                    FileReport {
                        size: b.len(),
                        hash: None,
                    },
                )
            })
            .collect(),
        absent,
        passive_authentication: PaReport::not_performed("no trust store given"),
        transport: TransportReport {
            apdus: stats.apdus,
            bytes_sent: stats.bytes_sent,
            bytes_received: stats.bytes_received,
            max_read: policy.max_read(),
            extended_length: policy.extended(),
        },
    };
    Ok(ReadOutcome {
        report,
        files: std::mem::take(files_read),
    })
}

async fn run_bac<T, R>(
    ch: &mut Channel<'_, T>,
    keys: DocumentKeys,
    rng: &mut R,
) -> Result<AccessReport, ReadError>
where
    T: CardTransport + ?Sized,
    R: rand_core::CryptoRng + Send + ?Sized,
{
    let challenge = ch.exchange(&bac::get_challenge(), false).await?;
    if !challenge.sw.is_success() {
        return Err(ReadError::Chip {
            command: "GET CHALLENGE",
            sw: challenge.sw,
        });
    }
    let rnd_ic: [u8; 8] =
        challenge
            .data
            .as_slice()
            .try_into()
            .map_err(|_| ReadError::MalformedResponse {
                command: "GET CHALLENGE",
            })?;
    let terminal = BacTerminal::new(keys, rnd_ic, rng);
    let cmd = terminal.external_authenticate().map_err(ReadError::Bac)?;
    let resp = ch.exchange(&cmd, false).await?;
    match resp.sw {
        StatusWord::SUCCESS => {}
        StatusWord::AUTHENTICATION_FAILED
        | StatusWord::CONDITIONS_NOT_SATISFIED
        | StatusWord::SECURITY_STATUS_NOT_SATISFIED => return Err(ReadError::AccessDenied),
        sw if sw.retry_counter().is_some() => return Err(ReadError::AccessDenied),
        sw => {
            return Err(ReadError::Chip {
                command: "EXTERNAL AUTHENTICATE",
                sw,
            });
        }
    }
    let sm = terminal.complete(&resp.data).map_err(|e| match e {
        BacError::BadMac | BacError::NonceMismatch => ReadError::AccessDenied,
        other => ReadError::Bac(other),
    })?;
    ch.start_secure_messaging(sm);
    Ok(AccessReport {
        protocol: "BAC",
        cipher: CipherAlg::Tdes,
        password: "MRZ",
        mapping: None,
        agreement: None,
        parameters: None,
    })
}
