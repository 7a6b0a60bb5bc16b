//! Hostile and faulty chips: named scenarios that make the emulated chip (or its link)
//! misbehave the way real chips, clones and attackers do, each with the verdict a correct
//! reader must reach. The catalogue is what `tapid emulate --list-faults` prints and what
//! fixtures/README.md ("Hostile chips") documents; core/emulator/tests/faults.rs asserts every
//! verdict.
//!
//! A fault acts in one of three places:
//! * the document ([`Layer::Document`]): files and keys are changed before or after signing
//!   (see [`document`]);
//! * the chip ([`Layer::Chip`]): the command processor answers wrongly (see [`secure`] and
//!   [`pace`]);
//! * the link ([`Layer::Link`]): the chip answers too late or leaves the field (see [`link`]).

pub mod document;
pub mod link;
pub mod pace;
pub mod secure;

use crate::EmulatorError;
use crate::chip::{Chip, ChipConfig};
use crate::profile::Profile;

/// Where a fault acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    /// The document's files and keys (personalisation gone wrong, forgery, clone).
    Document,
    /// The chip's command processor (protocol violations).
    Chip,
    /// The radio link (timeouts, the tag leaving the field).
    Link,
}

/// One hostile or faulty chip scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Fault {
    /// A byte of DG1 changed after signing.
    Dg1HashMismatch,
    /// A byte of DG2's image changed after signing.
    Dg2HashMismatch,
    /// The SOD's signature is damaged.
    SodSignatureBroken,
    /// The SOD is signed by a Document Signer of a CSCA nobody trusts.
    SodUntrustedCsca,
    /// The DS certificate has expired, but it signed while valid.
    DsExpired,
    /// The DS signed after its certificate had expired.
    DsSignedAfterExpiry,
    /// A Utopian document signed by the German Document Signer.
    Dg1CountryMismatch,
    /// EF.COM lists data groups that do not exist and omits ones that do.
    EfComLies,
    /// The chip has no EF.SOD.
    SodMissing,
    /// EF.SOD is an empty file.
    SodZeroLength,
    /// DG11 is an empty file.
    ZeroLengthFile,
    /// DG2 ends before the length its header announces.
    FileShorterThanHeader,
    /// DG11's header announces 4 GiB with a 4-byte length field.
    OversizedLength,
    /// A valid, signed 64 KiB DG2 (read past offset 32 767 with odd-INS READ BINARY).
    LargeDg2,
    /// EF.CardAccess offers PACE with a parameter ID no standard defines.
    CardAccessUnknownParameters,
    /// EF.CardAccess is not a SET of SecurityInfos.
    CardAccessMalformed,
    /// EF.CardAccess offers PACE, but the chip only does BAC.
    PaceAdvertisedBacOnly,
    /// A PACE chip whose EF.CardAccess is gone (hidden on the link): the reader can only
    /// run BAC, which the signed DG14 exposes as a downgrade.
    CardAccessHidden,
    /// The chip's Chip Authentication key is not the one DG14 publishes.
    CaClone,
    /// Like [`Fault::CaClone`], but the clone refuses the next command with a plain `6988`.
    CaCloneRefuses,
    /// The chip's Active Authentication key is not the one DG15 publishes.
    AaClone,
    /// The chip's PACE-CAM key is not the one EF.CardSecurity publishes.
    CamClone,
    /// A protected response carries a wrong MAC.
    SmWrongMac,
    /// The chip replays an earlier protected response (old SSC).
    SmReplayedSsc,
    /// A correctly MACed cryptogram decrypts to data with broken padding.
    SmBadPadding,
    /// The chip answers in plaintext after secure messaging started.
    SmPlaintextResponse,
    /// A protected response ends inside a TLV length.
    SmTruncatedTlv,
    /// DO'87' announces more bytes than the response holds.
    SmLengthPastEnd,
    /// DO'87' carries a 4-byte length field announcing 4 GiB.
    SmLength4Byte,
    /// DO'99' (MACed) and the outer status word disagree.
    SmStatusMismatch,
    /// Random 6982/6985/6A82 answers from the chip's seeded RNG.
    SwStorm,
    /// The chip's PACE mapping key is not on the curve.
    PacePointOffCurve,
    /// The chip's PACE ephemeral key is the point at infinity.
    PacePointIdentity,
    /// The chip's DH PACE key is p − 1, the element of order 2.
    PaceDhSmallSubgroup,
    /// The chip does not support READ BINARY by short EF identifier.
    NoShortEfIdentifiers,
    /// Once secure messaging is up the chip takes longer than the link's timeout.
    SlowChip,
    /// The tag leaves the field at APDU [`link::TAG_LOST_AT`].
    TagLost,
    /// A clone with the genuine DG14 but not its key: it answers Chip Authentication under
    /// the old keys, then every command with a plain `6982`.
    CaClonePlain6982,
    /// The same clone answering every command after Chip Authentication with a plain `6A82`.
    CaClonePlain6A82,
    /// The genuine chip until the tag is lost at INTERNAL AUTHENTICATE; the card put back is
    /// a clone (wrong CA key, plain `6982` to what it cannot verify and to AA).
    CaCloneResume,
    /// Every READ BINARY under secure messaging gets a protected `6Cxx`
    /// ([`secure::WRONG_LE_HINT`]), however often the terminal retries with that Le.
    ReadBinary6CxxForever,
    /// The chip accepts extended length and says so in EF.ATR/INFO, but its ATR's historical
    /// bytes do not.
    ExtendedLengthAtrInfoOnly,
}

/// The seed of the clones' Chip Authentication key (not the one DG14 publishes).
pub const CLONE_CA_SEED: &[u8] = b"tapid clone CA";

/// What the catalogue says about a fault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FaultInfo {
    /// Stable kebab-case name (`--fault NAME`).
    pub name: &'static str,
    /// Where it acts.
    pub layer: Layer,
    /// The profile the catalogue and its tests use.
    pub profile: &'static str,
    /// One line: what the chip does.
    pub description: &'static str,
    /// The verdict a correct reader reaches (error variant or report status).
    pub expected: &'static str,
}

macro_rules! catalogue {
    ($($variant:ident => ($name:literal, $layer:ident, $profile:literal, $desc:literal, $expected:literal),)*) => {
        impl Fault {
            /// Every fault, in catalogue order.
            pub const ALL: &'static [Fault] = &[$(Fault::$variant),*];

            /// The fault's catalogue entry.
            pub fn info(self) -> FaultInfo {
                match self {
                    $(Fault::$variant => FaultInfo {
                        name: $name,
                        layer: Layer::$layer,
                        profile: $profile,
                        description: $desc,
                        expected: $expected,
                    },)*
                }
            }

            /// The stable name.
            pub fn name(self) -> &'static str {
                match self {
                    $(Fault::$variant => $name,)*
                }
            }
        }
    };
}

catalogue! {
    Dg1HashMismatch => ("dg1-hash-mismatch", Document, "bac",
        "one byte of DG1's MRZ changed after EF.SOD was signed",
        "PA invalid; files.DG1.hash mismatch"),
    Dg2HashMismatch => ("dg2-hash-mismatch", Document, "bac",
        "one byte of DG2's image changed after EF.SOD was signed",
        "PA invalid; files.DG2.hash mismatch"),
    SodSignatureBroken => ("sod-signature-broken", Document, "bac",
        "the last byte of EF.SOD's signature flipped",
        "PA invalid; sod.signature invalid"),
    SodUntrustedCsca => ("sod-untrusted-csca", Document, "bac",
        "EF.SOD signed by a rogue DS under a rogue CSCA that copies Utopia's name",
        "PA untrusted; sod.chain untrusted"),
    DsExpired => ("ds-expired", Document, "bac",
        "the DS certificate expired in 2024 but signed EF.SOD inside its validity",
        "PA invalid under the default shell model (signer_expired); valid under the chain model"),
    DsSignedAfterExpiry => ("ds-signed-after-expiry", Document, "bac",
        "the signingTime of EF.SOD lies after the DS certificate's notAfter",
        "PA invalid under both models; sod.chain invalid (not valid at signing time)"),
    Dg1CountryMismatch => ("dg1-country-mismatch", Document, "bac",
        "a UTO document signed by the German (D) Document Signer",
        "PA invalid; country mismatch"),
    EfComLies => ("ef-com-lies", Document, "bac",
        "EF.COM lists DG3, DG4 and DG16 (absent) and omits DG2, DG11, DG12, DG14",
        "PA valid; data groups come from EF.SOD (DG2 read, hash match), EF.COM not read"),
    SodMissing => ("sod-missing", Document, "bac",
        "the chip has no EF.SOD",
        "PA invalid (no EF.SOD); DG14 not trusted, chip authenticity not valid"),
    SodZeroLength => ("sod-zero-length", Document, "bac",
        "EF.SOD exists but is empty",
        "ReadError::MalformedFile { file: EF.SOD, TruncatedTag }"),
    ZeroLengthFile => ("zero-length-file", Document, "bac",
        "DG11 exists (and EF.SOD lists it) but is empty",
        "ReadError::MalformedFile { file: DG11, TruncatedTag }"),
    FileShorterThanHeader => ("file-shorter-than-header", Document, "bac",
        "DG2 is cut 1000 bytes short of the length its header announces",
        "ReadError::FileTruncated { file: DG2 }"),
    OversizedLength => ("oversized-length", Document, "bac",
        "DG11's header is 6B 84 FFFFFFFF (4-byte length, 4 GiB)",
        "ReadError::FileTooLarge { file: DG11 }"),
    LargeDg2 => ("large-dg2", Document, "bac",
        "a 64 KiB JPEG in a valid, signed DG2 (odd-INS READ BINARY past offset 32767)",
        "PA valid; files.DG2.hash match, size > 65536"),
    CardAccessUnknownParameters => ("card-access-unknown-parameters", Document, "pace-gm-bp256-aes128",
        "EF.CardAccess offers PACE-ECDH-GM with the reserved parameter ID 31",
        "ReadError::PaceUnsupported"),
    CardAccessMalformed => ("card-access-malformed", Document, "pace-gm-bp256-aes128",
        "EF.CardAccess is a SEQUENCE with an absurd 3-byte INTEGER version, not a SET",
        "ReadError::CardAccess(Structure)"),
    CardAccessHidden => ("card-access-hidden", Document, "pace-gm-bp256-aes128",
        "EF.CardAccess is gone (hidden on the link), so only BAC can run; DG14 still lists PACE",
        "downgrade detected (BAC with PACE listed in DG14; exit 11); allowed with --allow-bac-fallback"),
    PaceAdvertisedBacOnly => ("pace-advertised-bac-only", Document, "bac",
        "EF.CardAccess offers PACE-GM, but the chip refuses MSE:Set AT and only does BAC",
        "ReadError::Pace(ChipStatus { SetAt, 6A88 }); BAC only with --allow-bac-fallback"),
    CaClone => ("ca-clone", Document, "bac",
        "a clone: the chip's CA private key does not match DG14",
        "PA valid; chip_authenticity invalid (ca invalid)"),
    CaCloneRefuses => ("ca-clone-refuses", Document, "bac",
        "a clone with the wrong CA key that answers the next command with a plain 6988",
        "PA valid for what was read; chip_authenticity invalid (ca_not_confirmed: the bare 6988 ended secure messaging before an authenticated answer; reading stops after DG14)"),
    AaClone => ("aa-clone", Document, "aa-ecdsa-pace",
        "a clone: the chip's AA private key does not match DG15",
        "PA valid; chip_authenticity invalid (aa invalid)"),
    CamClone => ("cam-clone", Document, "pace-cam-bp256-aes128",
        "a clone: the chip's PACE-CAM key does not match EF.CardSecurity",
        "PA valid; chip_authenticity invalid (pace_cam invalid)"),
    SmWrongMac => ("sm-wrong-mac", Chip, "bac",
        "the MAC of the first protected READ BINARY response is off by one bit",
        "ReadError::SecureMessaging(BadMac)"),
    SmReplayedSsc => ("sm-replayed-ssc", Chip, "bac",
        "the second READ BINARY gets the first one's protected response again (old SSC)",
        "ReadError::SecureMessaging(BadMac)"),
    SmBadPadding => ("sm-bad-padding", Chip, "bac",
        "a correctly MACed DO'87' whose plaintext has no padding",
        "ReadError::SecureMessaging(BadPadding)"),
    SmPlaintextResponse => ("sm-plaintext-response", Chip, "bac",
        "after access control the chip answers without secure messaging (plain 9000)",
        "ReadError::SecureMessaging(PlaintextResponse)"),
    SmTruncatedTlv => ("sm-truncated-tlv", Chip, "bac",
        "a protected READ BINARY response cut right after DO'87''s tag",
        "ReadError::SecureMessaging(Malformed(TruncatedLength))"),
    SmLengthPastEnd => ("sm-length-past-end", Chip, "bac",
        "DO'87' announces 16 bytes more than the response holds",
        "ReadError::SecureMessaging(Malformed(ValueOverrun))"),
    SmLength4Byte => ("sm-length-4-byte", Chip, "bac",
        "DO'87' re-encoded with length 84 FFFFFFFF",
        "ReadError::SecureMessaging(Malformed(ValueOverrun))"),
    SmStatusMismatch => ("sm-status-mismatch", Chip, "bac",
        "DO'99' (under the MAC) says 9000, the outer status word 6282",
        "ReadError::SecureMessaging(StatusMismatch)"),
    SwStorm => ("sw-storm", Chip, "bac",
        "each protected command has a 1 in 3 chance of a protected 6982/6985/6A82 answer, and at the latest every third gets one",
        "ReadError::Chip { 6982/6985/6A82 }, or ListedFileMissing when 6A82 hits a data group EF.SOD lists; never valid"),
    PacePointOffCurve => ("pace-point-off-curve", Chip, "pace-gm-bp256-aes128",
        "the chip's PACE mapping public key (82) is not on the curve",
        "ReadError::Pace(InvalidPeerKey { Mapping, PointNotOnCurve })"),
    PacePointIdentity => ("pace-point-identity", Chip, "pace-gm-bp256-aes128",
        "the chip's PACE ephemeral public key (84) is the point at infinity",
        "ReadError::Pace(InvalidPeerKey { KeyAgreement, Identity })"),
    PaceDhSmallSubgroup => ("pace-dh-small-subgroup", Chip, "pace-gm-dh1024-aes128",
        "the chip's DH PACE public key (84) is p-1, of order 2",
        "ReadError::Pace(InvalidPeerKey { KeyAgreement, InvalidDhValue })"),
    NoShortEfIdentifiers => ("no-short-ef-identifiers", Chip, "pace-ca-aa",
        "READ BINARY with a short EF identifier (P1 = 80|SFI) is refused with 6A86",
        "PA valid, chip_authenticity valid (the reader falls back to SELECT)"),
    SlowChip => ("slow-chip", Link, "bac",
        "under secure messaging every answer takes 8 s, beyond the 5 s link timeout",
        "ReadError::Transport(Timeout)"),
    TagLost => ("tag-lost", Link, "bac",
        "the tag leaves the field at APDU 13 (after EF.SOD, DG1 and DG14)",
        "ReadError::LinkLost { progress: EF.SOD, DG1, DG14 complete }"),
    CaClonePlain6982 => ("ca-clone-plain-6982", Document, "bac",
        "a clone with the genuine DG14 but another CA key: answers CA under the old keys, then every command with a plain 6982",
        "chip_authenticity invalid (CaKeyMismatch); tapid read --dg 14,3 --read-unlisted exits 7"),
    CaClonePlain6A82 => ("ca-clone-plain-6a82", Document, "bac",
        "the same clone answering every command after CA with a plain 6A82",
        "chip_authenticity invalid (CaKeyMismatch)"),
    CaCloneResume => ("ca-clone-resume", Document, "pace-ca-aa",
        "genuine until the tag is lost at INTERNAL AUTHENTICATE; the card put back is a clone (other CA key, plain 6982 to what it cannot verify and to AA)",
        "after resume: chip_authenticity invalid (CaKeyMismatch)"),
    ReadBinary6CxxForever => ("read-binary-6cxx-forever", Chip, "bac",
        "every READ BINARY under secure messaging gets a protected 6CDF, whatever Le the terminal retries with",
        "ReadError::Chip { READ BINARY, 6CDF } within a bounded number of APDUs (< 50)"),
    ExtendedLengthAtrInfoOnly => ("extended-length-atr-info-only", Chip, "bac",
        "extended length is announced in EF.ATR/INFO (7F66) only, not in the ATR's historical bytes",
        "PA valid, chip_authenticity valid (a reader that reads EF.ATR/INFO uses extended length)"),
}

impl Fault {
    /// The fault named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Fault {
    type Err = EmulatorError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_name(s).ok_or_else(|| EmulatorError::UnknownFault(s.to_owned()))
    }
}

/// Every fault's catalogue entry, in a stable order.
pub fn list() -> Vec<FaultInfo> {
    Fault::ALL.iter().map(|f| f.info()).collect()
}

/// A chip serving `profile` with `fault`: the document is changed first, then the chip is
/// told to misbehave.
pub fn chip(
    profile: &Profile,
    config: ChipConfig,
    seed: &[u8],
    fault: Fault,
) -> Result<Chip, EmulatorError> {
    let profile = document::apply(fault, profile)?;
    Ok(Chip::new(&profile, config, seed)?.with_fault(fault))
}
