//! `pace-gm-dh2048`, driven APDU by APDU from the chip's side: PACE-DH-GM on the RFC 5114
//! 2048-bit group needs extended-length GENERAL AUTHENTICATE steps (a 256-byte public key
//! does not fit a short APDU, and PACE already uses the chaining bit for its steps), and
//! Chip Authentication with the DH-2048 key of DG14 needs an extended protected command.
//! The chip accepts both when it has extended length and refuses them with `6700` when it
//! has not. The reader's side is in `verified_read.rs` (`dh2048_needs_extended_length`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use tapid_card::{CommandApdu, Encoding, ResponseApdu, StatusWord};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, Profile};
use tapid_mrtd::chip_authentication::{CaSetup, CaStep, CaTerminal};
use tapid_mrtd::lds::dg14::Dg14;
use tapid_mrtd::lds::{DataGroup, EMRTD_AID, ElementaryFile};
use tapid_mrtd::mrz::AccessKey;
use tapid_mrtd::pace::{PaceTerminal, Step};
use tapid_mrtd::secure_messaging::{LengthMode, SecureChannel};
use tapid_mrtd::security_infos::{Agreement, SecurityInfos, choose_pace};

const PROFILE: &str = "pace-gm-dh2048";

/// Sends `cmd` in the shortest encoding that holds it; returns whether that was extended.
/// An extended GENERAL AUTHENTICATE asks for Le `0000` (Ne 65536): the chip's 264-byte
/// answer is more than Ne 256, which the chip refuses with `6700`.
fn send(chip: &mut Chip, cmd: &CommandApdu) -> (ResponseApdu, bool) {
    let extended = cmd.requires_extended();
    let cmd = if extended && cmd.ne.is_some() {
        cmd.clone().with_ne(65_536)
    } else {
        cmd.clone()
    };
    let raw = chip.process(&cmd.to_bytes().unwrap());
    (ResponseApdu::parse(&raw).unwrap(), extended)
}

/// Whether the protected form of `cmd` needs extended length: its data, padded and wrapped
/// in DO'87', DO'97' and DO'8E', must fit 255 bytes for a short one.
fn needs_extended(cmd: &CommandApdu) -> bool {
    cmd.data.len() > 200 || cmd.ne.is_some_and(|ne| ne > 256)
}

fn protected(chip: &mut Chip, sm: &mut SecureChannel, cmd: &CommandApdu) -> ResponseApdu {
    let (mode, encoding) = if needs_extended(cmd) {
        (LengthMode::Extended, Encoding::Extended)
    } else {
        (LengthMode::Short, Encoding::Short)
    };
    let wire = sm.protect_command(cmd, mode).unwrap();
    let raw = chip.process(&wire.encode(encoding).unwrap());
    sm.unprotect_response(&ResponseApdu::parse(&raw).unwrap())
        .unwrap()
        .authenticated()
        .unwrap()
}

/// PACE with the MRZ; returns the channel and how many steps went extended.
fn pace(chip: &mut Chip, profile: &Profile) -> Result<(SecureChannel, usize), StatusWord> {
    let (access, _) = send(chip, &CommandApdu::new(0x00, 0xB0, 0x9C, 0x00).with_ne(256));
    let infos = SecurityInfos::parse(&access.data).unwrap();
    let setup = choose_pace(&infos, false).unwrap();
    assert_eq!(setup.protocol.agreement, Agreement::Dh);
    assert_eq!(setup.parameter_id, Some(2));
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let (mut terminal, mut cmd) = PaceTerminal::new(&setup, &key).unwrap();
    let mut rng = SeededRng::new(b"terminal");
    let mut extended_steps = 0;
    loop {
        let (resp, extended) = send(chip, &cmd);
        if resp.sw != StatusWord::SUCCESS {
            return Err(resp.sw);
        }
        extended_steps += usize::from(extended);
        match terminal.step(&resp, &mut rng).unwrap() {
            Step::Send(next) => cmd = next,
            Step::Done(sm, _) => return Ok((sm, extended_steps)),
            _ => panic!("unexpected PACE step"),
        }
    }
}

#[test]
fn pace_and_chip_authentication_with_dh_2048_over_extended_length() {
    let profile = Profile::named(PROFILE).unwrap();
    let mut chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let (mut sm, extended_steps) = pace(&mut chip, &profile).unwrap();
    // The mapping and the key agreement each carry a 256-byte public key.
    assert_eq!(extended_steps, 2);

    let aid = CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(EMRTD_AID.to_vec());
    assert_eq!(protected(&mut chip, &mut sm, &aid).sw, StatusWord::SUCCESS);
    // DG14 in one extended READ BINARY (by short EF identifier 0E).
    let read_dg14 = CommandApdu::new(0x00, 0xB0, 0x8E, 0x00).with_ne(65_536);
    let dg14 = protected(&mut chip, &mut sm, &read_dg14);
    assert_eq!(dg14.sw, StatusWord::END_OF_FILE);
    assert_eq!(
        dg14.data,
        profile
            .files
            .get(ElementaryFile::Dg(DataGroup::new(14).unwrap()))
            .unwrap()
    );
    assert!(dg14.data.len() > 256);
    let infos = Dg14::parse(&dg14.data).unwrap().security_infos;
    // DG14 repeats EF.CardAccess's PACEInfo and names the DH-2048 CA key explicitly.
    assert_eq!(infos.pace_infos().count(), 1);
    let setup = CaSetup::choose(&infos).unwrap();
    assert_eq!(setup.key.agreement, Agreement::Dh);
    assert_eq!(setup.key.public_key.len(), 256);
    assert_eq!(setup.key.domain.standardized_id(), Some(2));

    let mut rng = SeededRng::new(b"terminal ca");
    let (mut ca, mut cmd) = CaTerminal::new(&setup, &mut rng).unwrap();
    let mut extended_ca = false;
    let mut new_sm = loop {
        extended_ca |= needs_extended(&cmd);
        let resp = protected(&mut chip, &mut sm, &cmd);
        assert_eq!(resp.sw, StatusWord::SUCCESS);
        match ca.step(&resp).unwrap() {
            CaStep::Send(next) => cmd = next,
            CaStep::Done(next) => break next,
            _ => panic!("unexpected CA step"),
        }
    };
    // GENERAL AUTHENTICATE with the 256-byte ephemeral key only fits an extended APDU.
    assert!(extended_ca);
    // The chip answers authenticated under the new keys: it holds the DG14 key.
    let com = CommandApdu::new(0x00, 0xB0, 0x9E, 0x00).with_ne(256);
    let r = protected(&mut chip, &mut new_sm, &com);
    assert_eq!(r.sw, StatusWord::END_OF_FILE);
    assert_eq!(r.data, profile.files.get(ElementaryFile::Com).unwrap());
    assert_eq!(r.data.first(), Some(&0x60));
}

#[test]
fn an_extended_step_asking_for_256_bytes_gets_6700() {
    // What tapid's PaceTerminal sends today: Ne 256 (Le 0100 once extended). The chip's
    // mapping answer (7C 82 0104 82 82 0100 ‖ 256 bytes) does not fit, and a chip never
    // sends more than was asked for.
    let profile = Profile::named(PROFILE).unwrap();
    let mut chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let (access, _) = send(
        &mut chip,
        &CommandApdu::new(0x00, 0xB0, 0x9C, 0x00).with_ne(256),
    );
    let setup = choose_pace(&SecurityInfos::parse(&access.data).unwrap(), false).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let (mut terminal, set_at) = PaceTerminal::new(&setup, &key).unwrap();
    let mut rng = SeededRng::new(b"terminal");
    let (resp, _) = send(&mut chip, &set_at);
    let Step::Send(nonce) = terminal.step(&resp, &mut rng).unwrap() else {
        panic!("PACE ended early");
    };
    let (resp, _) = send(&mut chip, &nonce);
    let Step::Send(mapping) = terminal.step(&resp, &mut rng).unwrap() else {
        panic!("PACE ended early");
    };
    assert!(mapping.requires_extended());
    assert_eq!(mapping.ne, Some(256));
    let raw = chip.process(&mapping.encode(Encoding::Extended).unwrap());
    assert_eq!(raw, [0x67, 0x00]);
}

#[test]
fn a_chip_without_extended_length_refuses_the_dh_2048_steps() {
    let profile = Profile::named(PROFILE).unwrap();
    let mut chip = Chip::new(
        &profile,
        ChipConfig {
            extended_length: false,
        },
        b"chip",
    )
    .unwrap();
    assert_eq!(
        pace(&mut chip, &profile).err(),
        Some(StatusWord::WRONG_LENGTH)
    );
}

#[test]
fn the_profile_is_listed() {
    let info = list().into_iter().find(|p| p.name == PROFILE).unwrap();
    assert_eq!(info.protocol, "PACE-GM");
    assert_eq!(info.parameters, "DH-2048-256");
    assert_eq!(info.chip_authentication, "CA");
}
