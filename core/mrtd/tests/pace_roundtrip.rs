#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! PACE terminal against PACE chip for every standardized parameter ID (0–2, 8–18), every
//! cipher and every mapping, with MRZ and CAN passwords; and the failure paths: wrong
//! password, tampered chip keys, malformed and out-of-sequence messages.

use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use tapid_mrtd::crypto::DomainParameters;
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::pace::{PaceChip, PaceError, PaceOutcome, PaceStep, PaceTerminal, Step};
use tapid_mrtd::secure_messaging::{LengthMode, SecureChannel};
use tapid_mrtd::security_infos::{Agreement, Mapping, PaceProtocol, PaceSetup};
use tapid_mrtd::symmetric::CipherAlg;
use tapid_test_support::rng::CounterRng;

const CIPHERS: [CipherAlg; 4] = [
    CipherAlg::Tdes,
    CipherAlg::Aes128,
    CipherAlg::Aes192,
    CipherAlg::Aes256,
];
const IDS: [u64; 14] = [0, 1, 2, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

fn mrz() -> AccessKey {
    AccessKey::Mrz(MrzKey::new("L898902C", "690806", "940623").unwrap())
}

fn can() -> AccessKey {
    AccessKey::Can(Can::new("123456").unwrap())
}

fn cam_chip(setup: &PaceSetup, passwords: Vec<AccessKey>, seed: u64) -> PaceChip {
    let chip = PaceChip::new(vec![setup.clone()], passwords);
    if setup.protocol.mapping != Mapping::Cam {
        return chip;
    }
    let group = setup.domain.ec_group().unwrap();
    let sk = group
        .random_scalar(&mut CounterRng::from_u64(seed ^ 0xCA))
        .unwrap();
    chip.with_cam_key(sk)
}

/// Runs a full exchange; `tamper` may rewrite each chip response before the terminal sees it.
fn exchange(
    setup: &PaceSetup,
    terminal_password: &AccessKey,
    chip: &mut PaceChip,
    seed: u64,
    mut tamper: impl FnMut(usize, ResponseApdu) -> ResponseApdu,
) -> Result<(SecureChannel, Option<SecureChannel>, PaceOutcome), PaceError> {
    let mut t_rng = CounterRng::from_u64(seed);
    let mut c_rng = CounterRng::from_u64(seed.wrapping_add(1_000_000));
    let (mut terminal, mut command) = PaceTerminal::new(setup, terminal_password)?;
    let mut chip_channel = None;
    for i in 0.. {
        let response = match chip.handle(&command, &mut c_rng) {
            Ok((response, channel)) => {
                chip_channel = channel;
                response
            }
            Err(e) => ResponseApdu::status(e.status_word()),
        };
        match terminal.step(&tamper(i, response), &mut t_rng)? {
            Step::Send(next) => command = next,
            Step::Done(channel, outcome) => return Ok((channel, chip_channel, *outcome)),
            other => panic!("unexpected {other:?}"),
        }
    }
    unreachable!()
}

/// Both channels agree: a protected command and response pass in both directions.
fn check_channels(terminal: &mut SecureChannel, chip: &mut SecureChannel) {
    let cmd = CommandApdu::new(0x00, 0xB0, 0x00, 0x00).with_ne(4);
    let protected = terminal.protect_command(&cmd, LengthMode::Short).unwrap();
    assert_eq!(chip.unprotect_command(&protected).unwrap(), cmd);
    let resp = ResponseApdu::new(vec![0x60, 0x14, 0x5F, 0x01], StatusWord::SUCCESS);
    let protected = chip.protect_response(&resp, false).unwrap();
    assert_eq!(
        terminal
            .unprotect_response(&protected)
            .unwrap()
            .authenticated()
            .unwrap(),
        resp
    );
}

fn round_trip(mapping: Mapping) -> usize {
    let mut runs = 0;
    for (n, id) in IDS.into_iter().enumerate() {
        let agreement = match DomainParameters::from_standardized_id(id).unwrap() {
            DomainParameters::Ec(_) => Agreement::Ecdh,
            DomainParameters::Dh(_) => Agreement::Dh,
        };
        for (m, cipher) in CIPHERS.into_iter().enumerate() {
            let Some(protocol) = PaceProtocol::new(mapping, agreement, cipher) else {
                continue;
            };
            let setup = match PaceSetup::standardized(protocol, id) {
                Ok(s) => s,
                Err(e) => {
                    // Only Integrated Mapping on P-224 is refused.
                    assert_eq!((mapping, id), (Mapping::Im, 10), "{e}");
                    continue;
                }
            };
            let password = if (n + m) % 2 == 0 { mrz() } else { can() };
            let seed = (id << 8) | m as u64;
            let mut chip = cam_chip(&setup, vec![mrz(), can()], seed);
            let (mut t, c, outcome) = exchange(&setup, &password, &mut chip, seed, |_, r| r)
                .unwrap_or_else(|e| panic!("{} id {id}: {e}", protocol.name()));
            let mut c = c.unwrap();
            assert_eq!(t.cipher(), cipher);
            assert_eq!(t.ssc(), vec![0; cipher.block_size()].as_slice());
            check_channels(&mut t, &mut c);
            assert_eq!(outcome.protocol, protocol);
            assert_eq!(outcome.parameters, setup.parameters_name());
            assert_eq!(outcome.cam.is_some(), mapping == Mapping::Cam);
            runs += 1;
        }
    }
    runs
}

#[test]
fn generic_mapping_every_parameter_id_and_cipher() {
    assert_eq!(round_trip(Mapping::Gm), 14 * 4);
}

#[test]
fn integrated_mapping_every_parameter_id_and_cipher() {
    assert_eq!(round_trip(Mapping::Im), 13 * 4);
}

#[test]
fn chip_authentication_mapping_every_curve_and_aes() {
    assert_eq!(round_trip(Mapping::Cam), 11 * 3);
}

#[test]
fn cam_evidence_verifies_against_the_chip_key_only() {
    let protocol = PaceProtocol::new(Mapping::Cam, Agreement::Ecdh, CipherAlg::Aes256).unwrap();
    let setup = PaceSetup::standardized(protocol, 12).unwrap();
    let group = setup.domain.ec_group().unwrap();
    let sk = group.random_scalar(&mut CounterRng::from_u64(7)).unwrap();
    let pk = group.public_from_private(&sk).unwrap();
    let mut chip = PaceChip::new(vec![setup.clone()], vec![can()]).with_cam_key(sk);
    let (_, _, outcome) = exchange(&setup, &can(), &mut chip, 9, |_, r| r).unwrap();
    let cam = outcome.cam.unwrap();
    // Build a ChipAuthenticationPublicKeyInfo for the chip's key through the parser.
    let key_info = |point: &[u8]| {
        let mut spki_key = vec![0x03, (point.len() + 1) as u8, 0x00];
        spki_key.extend_from_slice(point);
        let alg = tapid_card::tlv::encode(
            tapid_card::Tag(0x30),
            &[
                &[0x06, 0x07, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x01, 0x02][..],
                &[0x02, 0x01, 12][..],
            ]
            .concat(),
        );
        let spki = tapid_card::tlv::encode(tapid_card::Tag(0x30), &[alg, spki_key].concat());
        let info = tapid_card::tlv::encode(
            tapid_card::Tag(0x30),
            &[
                &[
                    0x06, 0x09, 0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x01, 0x02,
                ][..],
                &spki[..],
            ]
            .concat(),
        );
        let set = tapid_card::tlv::encode(tapid_card::Tag(0x31), &info);
        let infos = tapid_mrtd::security_infos::SecurityInfos::parse(&set).unwrap();
        infos
            .chip_authentication_public_keys()
            .next()
            .unwrap()
            .clone()
    };
    cam.verify(&key_info(&pk.to_sec1_uncompressed())).unwrap();
    let other = group
        .generate_keypair(&mut CounterRng::from_u64(8))
        .unwrap()
        .public
        .to_sec1_uncompressed();
    assert!(cam.verify(&key_info(&other)).is_err());
}

fn gm_setup(id: u64) -> PaceSetup {
    let agreement = if id < 3 {
        Agreement::Dh
    } else {
        Agreement::Ecdh
    };
    let protocol = PaceProtocol::new(Mapping::Gm, agreement, CipherAlg::Aes128).unwrap();
    PaceSetup::standardized(protocol, id).unwrap()
}

#[test]
fn wrong_password_is_access_denied() {
    for id in [0, 13] {
        let setup = gm_setup(id);
        let mut chip = PaceChip::new(vec![setup.clone()], vec![mrz()]);
        let wrong = AccessKey::Mrz(MrzKey::new("L898902C", "690806", "940624").unwrap());
        let err = exchange(&setup, &wrong, &mut chip, 1, |_, r| r).unwrap_err();
        assert_eq!(
            err,
            PaceError::ChipStatus {
                step: PaceStep::MutualAuthentication,
                sw: StatusWord::AUTHENTICATION_FAILED
            }
        );
        assert!(err.is_access_denied());
    }
}

#[test]
fn chip_rejects_wrong_terminal_token_and_terminal_rejects_wrong_chip_token() {
    let setup = gm_setup(13);
    let mut chip = PaceChip::new(vec![setup.clone()], vec![can()]);
    // Flip a bit of the chip's token T_IC (step 4 response).
    let err = exchange(&setup, &can(), &mut chip, 2, |i, mut r| {
        if i == 4 {
            let last = r.data.len() - 1;
            r.data[last] ^= 1;
        }
        r
    })
    .unwrap_err();
    assert_eq!(err, PaceError::TokenMismatch);
    assert!(err.is_access_denied());
}

#[test]
fn tampered_chip_keys_are_rejected() {
    for id in [0, 12, 13, 14] {
        for step in [2usize, 3] {
            let setup = gm_setup(id);
            let mut chip = PaceChip::new(vec![setup.clone()], vec![can()]);
            let err = exchange(&setup, &can(), &mut chip, 3, |i, mut r| {
                if i == step {
                    // Corrupt the last coordinate / value byte of the public key.
                    let pos = r.data.len() - 1;
                    r.data[pos] ^= 0x01;
                }
                r
            })
            .unwrap_err();
            let expected = if step == 2 {
                PaceStep::Mapping
            } else {
                PaceStep::KeyAgreement
            };
            assert!(
                matches!(err, PaceError::InvalidPeerKey { step, .. } if step == expected),
                "id {id} step {step}: {err:?}"
            );
        }
    }
}

#[test]
fn chip_echoing_the_terminal_key_is_rejected() {
    // A chip that answers the mapping with the terminal's own PK_Map,IFD.
    let setup = gm_setup(13);
    let (mut terminal, _) = PaceTerminal::new(&setup, &can()).unwrap();
    let mut chip = PaceChip::new(vec![setup.clone()], vec![can()]);
    let mut t_rng = CounterRng::from_u64(4);
    let mut c_rng = CounterRng::from_u64(5);
    let mse =
        tapid_mrtd::pace::mse_set_at(setup.protocol, tapid_mrtd::pace::PasswordRef::Can, None);
    let (r, _) = chip.handle(&mse, &mut c_rng).unwrap();
    let Step::Send(ga1) = terminal.step(&r, &mut t_rng).unwrap() else {
        panic!()
    };
    let (r, _) = chip.handle(&ga1, &mut c_rng).unwrap();
    let Step::Send(ga2) = terminal.step(&r, &mut t_rng).unwrap() else {
        panic!()
    };
    // ga2 data = 7C 43 81 41 <PK_Map,IFD>; answer with 7C 43 82 41 <same>.
    let mut echo = ga2.data.clone();
    echo[2] = 0x82;
    let err = terminal
        .step(&ResponseApdu::new(echo, StatusWord::SUCCESS), &mut t_rng)
        .unwrap_err();
    assert!(matches!(
        err,
        PaceError::InvalidPeerKey {
            step: PaceStep::Mapping,
            ..
        }
    ));
    // A spent terminal refuses to continue.
    assert_eq!(
        terminal
            .step(&ResponseApdu::status(StatusWord::SUCCESS), &mut t_rng)
            .unwrap_err(),
        PaceError::OutOfSequence
    );
}

#[test]
fn malformed_responses_and_statuses() {
    let setup = gm_setup(13);
    let mut rng = CounterRng::from_u64(6);
    let (mut terminal, _) = PaceTerminal::new(&setup, &mrz()).unwrap();
    assert_eq!(
        terminal
            .step(
                &ResponseApdu::status(StatusWord::REFERENCED_DATA_NOT_FOUND),
                &mut rng
            )
            .unwrap_err(),
        PaceError::ChipStatus {
            step: PaceStep::SetAt,
            sw: StatusWord::REFERENCED_DATA_NOT_FOUND
        }
    );
    let (mut terminal, _) = PaceTerminal::new(&setup, &mrz()).unwrap();
    terminal
        .step(&ResponseApdu::status(StatusWord::SUCCESS), &mut rng)
        .unwrap();
    for bad in [
        &[][..],
        &[0x7C, 0x05, 0x80],
        &[0x7C, 0x00],
        &[0x7C, 0x03, 0x80, 0x01, 0xAA],
    ] {
        let (mut t, _) = PaceTerminal::new(&setup, &mrz()).unwrap();
        t.step(&ResponseApdu::status(StatusWord::SUCCESS), &mut rng)
            .unwrap();
        let err = t
            .step(
                &ResponseApdu::new(bad.to_vec(), StatusWord::SUCCESS),
                &mut rng,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                PaceError::Malformed {
                    step: PaceStep::EncryptedNonce,
                    ..
                }
            ),
            "{bad:02X?}: {err:?}"
        );
    }
}

#[test]
fn chip_refuses_what_it_does_not_offer() {
    let setup = gm_setup(13);
    let mut chip = PaceChip::new(vec![setup.clone()], vec![mrz()]);
    let mut rng = CounterRng::from_u64(7);
    // CAN not configured.
    let mse =
        tapid_mrtd::pace::mse_set_at(setup.protocol, tapid_mrtd::pace::PasswordRef::Can, None);
    let err = chip.handle(&mse, &mut rng).unwrap_err();
    assert_eq!(err, PaceError::PasswordNotAvailable);
    // Another parameter ID.
    let mse =
        tapid_mrtd::pace::mse_set_at(setup.protocol, tapid_mrtd::pace::PasswordRef::Mrz, Some(12));
    assert!(matches!(
        chip.handle(&mse, &mut rng),
        Err(PaceError::Unsupported(_))
    ));
    // GENERAL AUTHENTICATE before MSE:Set AT.
    let ga = tapid_mrtd::pace::general_authenticate(&[], false);
    assert_eq!(
        chip.handle(&ga, &mut rng).unwrap_err(),
        PaceError::OutOfSequence
    );
    // Not a PACE command at all.
    let read = CommandApdu::new(0x00, 0xB0, 0x00, 0x00).with_ne(4);
    assert!(!PaceChip::is_pace_command(&read));
    assert_eq!(
        chip.handle(&read, &mut rng).unwrap_err(),
        PaceError::OutOfSequence
    );
    // The last GA sent with chaining is refused.
    let mse =
        tapid_mrtd::pace::mse_set_at(setup.protocol, tapid_mrtd::pace::PasswordRef::Mrz, None);
    chip.handle(&mse, &mut rng).unwrap();
    let unchained = tapid_mrtd::pace::general_authenticate(&[], true);
    assert!(matches!(
        chip.handle(&unchained, &mut rng),
        Err(PaceError::Malformed { .. })
    ));
}
