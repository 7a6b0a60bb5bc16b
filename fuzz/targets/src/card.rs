//! tapid-card's parsers and secure messaging: BER-TLV, command and response APDUs, the
//! secure-messaging unwrap of a response, and JSONL transcripts (parsed, then replayed through
//! the reader).

use tapid_card::deterministic::SeededRng;
use tapid_card::tlv::{self, Tag, Tlv, TlvIter};
use tapid_card::transcript::Transcript;
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::pa::TrustStore;
use tapid_mrtd::reader::{self, ReadOptions, Verification};
use tapid_mrtd::secure_messaging::{SecureChannel, Unprotected};
use tapid_mrtd::symmetric::{self, CipherAlg};
use zeroize::Zeroizing;

use crate::Outcome;
use crate::block_on::block_on;

/// Nesting the TLV walk descends into (deeper constructed objects are left unparsed).
const MAX_DEPTH: usize = 32;

/// Walks the objects of `input` and, recursively, of every constructed one; `Ok(objects)`
/// when all of it parses. Checks that each object's encoded length accounts for its bytes.
fn walk(input: &[u8], depth: usize) -> Result<usize, Outcome> {
    let mut count = 0;
    let mut rest = input;
    while !rest.is_empty() {
        let (obj, tail) = Tlv::parse(rest).map_err(|_| Outcome::Rejected)?;
        if obj.encoded_len() + tail.len() != rest.len() {
            return Err(Outcome::Violation(format!(
                "TLV {} of {} bytes leaves {} of {}",
                obj.tag,
                obj.encoded_len(),
                tail.len(),
                rest.len()
            )));
        }
        rest = tail;
        count += 1;
        if obj.tag.is_constructed() && depth < MAX_DEPTH {
            count += walk(obj.value, depth + 1)?;
        }
    }
    if TlvIter::new(input).any(|o| o.is_err()) {
        return Err(Outcome::Violation(
            "TlvIter fails where Tlv::parse succeeds".into(),
        ));
    }
    Ok(count)
}

/// BER-TLV (ISO/IEC 7816-4 §5.2): the length and header helpers, one object filling the input
/// (its encoded length must be the input's), and the walk over every nested object. Accepted
/// when the whole input is well-formed TLV.
pub fn tlv(data: &[u8]) -> Outcome {
    let _ = tlv::parse_length(data);
    let header = tlv::total_len_from_header(data);
    if let Ok(exact) = Tlv::parse_exact(data) {
        if exact.encoded_len() != data.len() {
            return Outcome::Violation(format!(
                "parse_exact: encoded_len {} for {} bytes",
                exact.encoded_len(),
                data.len()
            ));
        }
        if !matches!(header, Ok(Some(n)) if n == data.len()) {
            return Outcome::Violation(format!(
                "total_len_from_header says {header:?} for one {}-byte object",
                data.len()
            ));
        }
        // Re-encoding with the minimal length gives an object that parses to the same.
        let again = tlv::encode(exact.tag, exact.value);
        match Tlv::parse_exact(&again) {
            Ok(t) if t.tag == exact.tag && t.value == exact.value => {}
            other => {
                return Outcome::Violation(format!(
                    "re-encoded {} does not parse back: {other:?}",
                    exact.tag
                ));
            }
        }
        let _ = exact.find(Tag(0x5F1F));
    }
    match walk(data, 0) {
        Ok(n) => Outcome::accepted_if(n > 0),
        Err(o) => o,
    }
}

/// Command APDUs (cases 1–4, short and extended) and response APDUs. A command that parses
/// encodes back to bytes that parse to the same command; a response splits into data and SW.
pub fn apdu(data: &[u8]) -> Outcome {
    let response = ResponseApdu::parse(data).is_ok();
    let command = match CommandApdu::parse(data) {
        Ok(c) => c,
        Err(_) => return Outcome::accepted_if(response),
    };
    match command.to_bytes().map(|b| CommandApdu::parse(&b)) {
        Ok(Ok(again)) if again == command => Outcome::Accepted,
        other => Outcome::Violation(format!(
            "command {:02X?} does not round-trip: {other:?}",
            command.header()
        )),
    }
}

/// Every byte of the encryption key of [`sm_unwrap`]'s channel.
const ENC_KEY_BYTE: u8 = 0x11;
/// Every byte of its MAC key.
const MAC_KEY_BYTE: u8 = 0x22;

/// The session keys both sides of [`sm_unwrap`] use (fixed: the target is about the unwrap,
/// not the key agreement).
pub(crate) fn channel(alg: CipherAlg) -> Option<SecureChannel> {
    let key = |b: u8| Zeroizing::new(vec![b; alg.key_len()]);
    SecureChannel::new(
        alg,
        key(ENC_KEY_BYTE),
        key(MAC_KEY_BYTE),
        SecureChannel::zero_ssc(alg),
    )
    .ok()
}

/// The MAC a genuine chip puts in DO'8E' over `body` for the first response (SSC 1).
fn response_mac(alg: CipherAlg, body: &[u8]) -> Option<[u8; 8]> {
    let mut input = SecureChannel::zero_ssc(alg);
    if let Some(last) = input.last_mut() {
        *last = 1;
    }
    input.extend_from_slice(body);
    symmetric::mac(
        alg,
        &vec![MAC_KEY_BYTE; alg.key_len()],
        &symmetric::pad(&input, alg.block_size()),
    )
    .ok()
}

/// Secure messaging, the terminal's unwrap of a response (ICAO 9303-11 §9.8). The first byte
/// picks the cipher suite (3DES, AES-128/192/256), the second the mode:
///
/// * `0`: the rest is a raw response (data ‖ SW) from an attacker without the keys;
/// * `1`: the rest is data objects and a SW; the target appends the correct DO'8E' over the
///   objects (as a chip holding the keys would), so mutations reach what the MAC guards —
///   DO'87'/'85' decryption, padding, DO'99' against the outer SW;
/// * `2`: the rest is `SW1 SW2 odd-INS plaintext`: the chip side protects it, the terminal
///   must get exactly it back (twice, so the SSCs move in step).
///
/// Accepted when an answer comes back authenticated.
pub fn sm_unwrap(data: &[u8]) -> Outcome {
    let [suite, mode, rest @ ..] = data else {
        return Outcome::Rejected;
    };
    let alg = match suite % 4 {
        0 => CipherAlg::Tdes,
        1 => CipherAlg::Aes128,
        2 => CipherAlg::Aes192,
        _ => CipherAlg::Aes256,
    };
    let Some(mut terminal) = channel(alg) else {
        return Outcome::Violation(format!("no {alg} channel from valid keys"));
    };
    match mode % 3 {
        0 | 1 => {
            let raw = if mode % 3 == 0 {
                rest.to_vec()
            } else {
                let Some((body, sw)) = rest.split_last_chunk::<2>() else {
                    return Outcome::Rejected;
                };
                let Some(mac) = response_mac(alg, body) else {
                    return Outcome::Violation("retail MAC/CMAC refused a padded input".into());
                };
                let mut raw = body.to_vec();
                tlv::encode_into(Tag(0x8E), &mac, &mut raw);
                raw.extend_from_slice(sw);
                raw
            };
            let Ok(response) = ResponseApdu::parse(&raw) else {
                return Outcome::Rejected;
            };
            match terminal.unprotect_response(&response) {
                Ok(Unprotected::Authenticated(r)) => {
                    if r.sw != response.sw {
                        return Outcome::Violation("authenticated SW is not the outer SW".into());
                    }
                    Outcome::Accepted
                }
                Ok(Unprotected::Plain(sw)) if !response.data.is_empty() || sw.is_success() => {
                    Outcome::Violation(format!("plain answer with data or {sw} taken"))
                }
                Ok(Unprotected::Plain(_)) => Outcome::Rejected,
                Err(_) if !terminal.is_closed() => {
                    Outcome::Violation("a failed unwrap left the channel open".into())
                }
                Err(_) => Outcome::Rejected,
            }
        }
        _ => {
            let [sw1, sw2, odd, plain @ ..] = rest else {
                return Outcome::Rejected;
            };
            let Some(mut chip) = channel(alg) else {
                return Outcome::Violation(format!("no {alg} chip channel"));
            };
            let sent = ResponseApdu::new(plain.to_vec(), StatusWord::from_bytes([*sw1, *sw2]));
            for round in 0..2 {
                // The terminal's SSC moves with each command it protects; the chip's with
                // each it unprotects. Here only responses flow, so both move once per round.
                let Ok(protected) = chip.protect_response(&sent, odd & 1 == 1) else {
                    return Outcome::Violation("the chip side could not protect".into());
                };
                match terminal.unprotect_response(&protected) {
                    Ok(Unprotected::Authenticated(got)) if got == sent => {}
                    other => {
                        return Outcome::Violation(format!(
                            "round {round}: protected {sent:?} came back as {other:?}"
                        ));
                    }
                }
            }
            Outcome::Accepted
        }
    }
}

/// The access key a transcript's header records (`access.kind`, `access.value`, as
/// `tapid read --record` writes them).
fn recorded_key(t: &Transcript) -> Option<AccessKey> {
    let meta = &t.header.meta;
    let value = meta.get("access.value")?;
    match meta.get("access.kind").map(String::as_str) {
        Some("mrz") => MrzKey::parse_triple(value).ok().map(AccessKey::Mrz),
        Some("can") => Can::new(value).ok().map(AccessKey::Can),
        _ => None,
    }
}

/// JSONL transcripts (tapid-card's recording format): parsed, then — when the header names an
/// access key — replayed through the reader (the recorded answers as the chip, the recorded
/// randomness as the terminal's), verified against an empty trust store. The replay ends when
/// the transcript does, so it is bounded by its exchanges. Accepted when the transcript
/// parses.
pub fn transcript(data: &[u8]) -> Outcome {
    let text = String::from_utf8_lossy(data);
    let Ok(t) = Transcript::parse(&text) else {
        return Outcome::Rejected;
    };
    let Some(key) = recorded_key(&t) else {
        return Outcome::Accepted;
    };
    let trust = TrustStore::new();
    let verification = Verification::new(&trust, crate::AT);
    let mut transport = t.transport();
    let mut rng = t.rng();
    let options = ReadOptions::default();
    let mut progress = |_| {};
    let read = reader::read(
        &mut transport,
        &key,
        &options,
        &verification,
        &mut rng,
        &mut progress,
    );
    match block_on(read) {
        Some(_) => Outcome::Accepted,
        None => Outcome::Violation("the replayed read did not finish".into()),
    }
}

/// A seeded terminal RNG for targets that run the reader on a live (emulated) chip.
pub(crate) fn terminal_rng() -> SeededRng {
    SeededRng::new(b"tapid-fuzz terminal")
}
