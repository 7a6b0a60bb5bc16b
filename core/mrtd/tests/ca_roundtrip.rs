#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! Chip Authentication v1 terminal against chip, under an existing secure channel: ECDH on
//! brainpoolP256r1, P-256 and the BSI reference's explicit brainpoolP224r1 key (DG14 +
//! PKCS #8), DH on the RFC 5114 groups; 3DES (MSE:Set KAT) and AES (MSE:Set AT + GENERAL
//! AUTHENTICATE). Afterwards both sides talk under the new keys with SSC = 0.

use der::Decode;
use tapid_card::{CommandApdu, ResponseApdu, StatusWord};
use tapid_mrtd::chip_authentication::{CaChip, CaError, CaSetup, CaStep, CaTerminal};
use tapid_mrtd::crypto::DomainParameters;
use tapid_mrtd::lds::dg14::Dg14;
use tapid_mrtd::pace::{AgreementGroup, AgreementPrivateKey};
use tapid_mrtd::secure_messaging::{LengthMode, SecureChannel};
use tapid_mrtd::security_infos::{
    Agreement, CaProtocol, ChipAuthenticationPublicKeyInfo, SecurityInfos,
};
use tapid_mrtd::symmetric::CipherAlg;
use tapid_test_support::conformance::{self, conformance_dir};
use tapid_test_support::pkcs8::{EcPrivateKey, PrivateKeyInfo};
use tapid_test_support::rng::CounterRng;

/// A BAC-style 3DES channel pair standing in for the session CA runs under.
fn old_channels() -> (SecureChannel, SecureChannel) {
    let make = || {
        SecureChannel::new(
            CipherAlg::Tdes,
            zeroize::Zeroizing::new(hex::decode("979EC13B1CBFE9DCD01AB0FED307EAE5").unwrap()),
            zeroize::Zeroizing::new(hex::decode("F1CB1F1FB5ADF208806B89DC579DC1F8").unwrap()),
            hex::decode("887022120C06C226").unwrap(),
        )
        .unwrap()
    };
    (make(), make())
}

/// Runs CA with every APDU protected under the old channel; returns the new channels.
fn run(
    setup: &CaSetup,
    chip: &mut CaChip,
    seed: u64,
) -> Result<(SecureChannel, SecureChannel), CaError> {
    let (mut t_old, mut c_old) = old_channels();
    let (mut terminal, mut command) = CaTerminal::new(setup, &mut CounterRng::from_u64(seed))?;
    let mut chip_new = None;
    loop {
        // DH-2048 keys (256 bytes) only fit an extended-length command.
        let mode = if command.data.len() > 200 {
            LengthMode::Extended
        } else {
            LengthMode::Short
        };
        let protected = t_old.protect_command(&command, mode).unwrap();
        let on_card = c_old.unprotect_command(&protected).unwrap();
        assert!(chip.is_ca_command(&on_card));
        let response = match chip.handle(&on_card) {
            Ok((response, channel)) => {
                chip_new = channel.or(chip_new);
                response
            }
            Err(e) => ResponseApdu::status(e.status_word()),
        };
        // The chip answers under the old keys, then switches.
        let protected = c_old.protect_response(&response, false).unwrap();
        let plain = t_old
            .unprotect_response(&protected)
            .unwrap()
            .authenticated()
            .unwrap();
        match terminal.step(&plain)? {
            CaStep::Send(next) => command = next,
            CaStep::Done(channel) => return Ok((channel, chip_new.unwrap())),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn check_channels(terminal: &mut SecureChannel, chip: &mut SecureChannel, cipher: CipherAlg) {
    assert_eq!(terminal.cipher(), cipher);
    assert_eq!(terminal.ssc(), vec![0; cipher.block_size()].as_slice());
    assert_eq!(chip.ssc(), terminal.ssc());
    let cmd = CommandApdu::new(0x00, 0xB0, 0x81, 0x00).with_ne(4);
    let protected = terminal.protect_command(&cmd, LengthMode::Short).unwrap();
    assert_eq!(chip.unprotect_command(&protected).unwrap(), cmd);
    let resp = ResponseApdu::new(vec![0x6E, 0x82, 0x01, 0x4A], StatusWord::SUCCESS);
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

fn private_bytes(key: &AgreementPrivateKey) -> Vec<u8> {
    match key {
        AgreementPrivateKey::Ec(k) => k.as_bytes().to_vec(),
        AgreementPrivateKey::Dh(k) => k.as_bytes().to_vec(),
    }
}

/// A chip key pair on standardized parameters and the matching DG14 info.
fn chip_for(id: u64, protocol: CaProtocol, key_id: Option<u64>) -> (CaSetup, CaChip) {
    let domain = DomainParameters::from_standardized_id(id).unwrap();
    let group = AgreementGroup::new(&domain).unwrap();
    let pair = group
        .generate(&mut CounterRng::from_label(&format!("chip key {id}")))
        .unwrap();
    let chip = CaChip::new(protocol, &domain, &private_bytes(&pair.private), key_id).unwrap();
    assert_eq!(chip.public_key(), pair.public.as_slice());
    let key = ChipAuthenticationPublicKeyInfo {
        agreement: protocol.agreement,
        domain,
        public_key: pair.public,
        key_id,
    };
    (CaSetup { protocol, key }, chip)
}

#[test]
fn round_trips_ecdh_and_dh_3des_and_aes() {
    for (id, agreement) in [
        (13, Agreement::Ecdh),
        (12, Agreement::Ecdh),
        (0, Agreement::Dh),
        (2, Agreement::Dh),
    ] {
        for cipher in [CipherAlg::Tdes, CipherAlg::Aes128, CipherAlg::Aes256] {
            for key_id in [None, Some(72)] {
                let protocol = CaProtocol { agreement, cipher };
                let (setup, mut chip) = chip_for(id, protocol, key_id);
                let (mut t, mut c) = run(&setup, &mut chip, id * 10 + 1)
                    .unwrap_or_else(|e| panic!("{} id {id}: {e}", protocol.name()));
                check_channels(&mut t, &mut c, cipher);
            }
        }
    }
}

#[test]
fn commands_on_the_wire() {
    let protocol = CaProtocol {
        agreement: Agreement::Ecdh,
        cipher: CipherAlg::Tdes,
    };
    let (setup, _) = chip_for(13, protocol, Some(1));
    let (terminal, cmd) = CaTerminal::new(&setup, &mut CounterRng::from_u64(1)).unwrap();
    assert_eq!(cmd.header(), [0x00, 0x22, 0x41, 0xA6]);
    assert_eq!(cmd.ne, None);
    let mut expected = vec![0x91, 0x41];
    expected.extend_from_slice(terminal.ephemeral_public_key());
    expected.extend_from_slice(&[0x84, 0x01, 0x01]);
    assert_eq!(cmd.data, expected);

    let protocol = CaProtocol {
        agreement: Agreement::Ecdh,
        cipher: CipherAlg::Aes128,
    };
    let (setup, _) = chip_for(13, protocol, Some(0xC3));
    let (mut terminal, cmd) = CaTerminal::new(&setup, &mut CounterRng::from_u64(1)).unwrap();
    // The MSE:Set AT of the gmrtd AES vector: 80 id-CA-ECDH-AES-CBC-CMAC-128 ‖ 84 C3.
    assert_eq!(
        cmd.to_bytes().unwrap(),
        hex::decode("002241A40F800A04007F0007020203020284 01C3".replace(' ', "")).unwrap()
    );
    let CaStep::Send(ga) = terminal
        .step(&ResponseApdu::status(StatusWord::SUCCESS))
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(ga.header(), [0x00, 0x86, 0x00, 0x00]);
    assert_eq!(ga.ne, Some(256));
    assert_eq!(&ga.data[..4], &[0x7C, 0x43, 0x80, 0x41]);
}

#[test]
fn bsi_reference_explicit_brainpool_p224_key() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let infos = Dg14::parse(&conformance::read(
        &dir,
        "bsi-tr03105-reference/Datagroup14.bin",
    ))
    .unwrap()
    .security_infos;
    let setup = CaSetup::choose(&infos).unwrap();
    assert_eq!(setup.protocol.name(), "id-CA-ECDH-3DES-CBC-CBC");
    let pkcs8 = PrivateKeyInfo::from_der(&conformance::read(
        &dir,
        "bsi-tr03105-reference/DG14_sk.pkcs8",
    ))
    .unwrap();
    let sk = EcPrivateKey::from_der(pkcs8.private_key.as_bytes()).unwrap();
    for cipher in [CipherAlg::Tdes, CipherAlg::Aes192] {
        let setup = CaSetup {
            protocol: CaProtocol {
                agreement: Agreement::Ecdh,
                cipher,
            },
            key: setup.key.clone(),
        };
        let mut chip = CaChip::new(
            setup.protocol,
            &setup.key.domain,
            sk.private_key.as_bytes(),
            None,
        )
        .unwrap();
        assert_eq!(chip.public_key(), setup.key.public_key.as_slice());
        let (mut t, mut c) = run(&setup, &mut chip, 5).unwrap();
        check_channels(&mut t, &mut c, cipher);
    }
}

#[test]
fn choose_from_german_card_security_and_without_ca_info() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let cs = tapid_mrtd::lds::card_security::CardSecurity::parse(&conformance::read(
        &dir,
        "real-sod/DE.cardsecurity",
    ))
    .unwrap();
    let infos = SecurityInfos::parse(cs.security_infos()).unwrap();
    let setup = CaSetup::choose(&infos).unwrap();
    assert_eq!(setup.protocol.name(), "id-CA-ECDH-AES-CBC-CMAC-128");
    assert_eq!(setup.key.key_id, Some(72));
    // Only a public key info: assume 3DES.
    let key = setup.key.clone();
    assert_eq!(
        CaSetup::assume_3des(key).protocol.name(),
        "id-CA-ECDH-3DES-CBC-CBC"
    );
}

#[test]
fn wrong_chip_key_gives_mismatched_channels() {
    let protocol = CaProtocol {
        agreement: Agreement::Ecdh,
        cipher: CipherAlg::Aes128,
    };
    let (setup, _) = chip_for(13, protocol, None);
    // Another key pair on the same curve.
    let domain = DomainParameters::from_standardized_id(13).unwrap();
    let pair = AgreementGroup::new(&domain)
        .unwrap()
        .generate(&mut CounterRng::from_u64(999))
        .unwrap();
    let mut impostor = CaChip::new(protocol, &domain, &private_bytes(&pair.private), None).unwrap();
    let (mut t, mut c) = run(&setup, &mut impostor, 3).unwrap();
    // The next command does not verify on the impostor: CA failed.
    let cmd = CommandApdu::new(0x00, 0xB0, 0x81, 0x00).with_ne(4);
    let protected = t.protect_command(&cmd, LengthMode::Short).unwrap();
    assert!(c.unprotect_command(&protected).is_err());
}

#[test]
fn chip_rejects_bad_commands() {
    let protocol = CaProtocol {
        agreement: Agreement::Ecdh,
        cipher: CipherAlg::Tdes,
    };
    let (_, mut chip) = chip_for(13, protocol, Some(5));
    // Wrong key reference.
    let cmd = CommandApdu::new(0x00, 0x22, 0x41, 0xA6).with_data(vec![0x84, 0x01, 0x06]);
    assert_eq!(chip.handle(&cmd).unwrap_err(), CaError::UnknownKey);
    // Not a point on the curve.
    let mut point = vec![0x91, 0x41, 0x04];
    point.extend_from_slice(&[0x11; 64]);
    let cmd = CommandApdu::new(0x00, 0x22, 0x41, 0xA6).with_data(point);
    let err = chip.handle(&cmd).unwrap_err();
    assert!(matches!(err, CaError::InvalidPeerKey(_)));
    assert_eq!(err.status_word(), StatusWord::WRONG_DATA);
    // The chip's own public key echoed back.
    let mut echo = vec![0x91, 0x41];
    echo.extend_from_slice(chip.public_key());
    let cmd = CommandApdu::new(0x00, 0x22, 0x41, 0xA6).with_data(echo);
    assert!(matches!(chip.handle(&cmd), Err(CaError::InvalidPeerKey(_))));
    // GENERAL AUTHENTICATE without MSE:Set AT.
    let ga = CommandApdu::new(0x00, 0x86, 0x00, 0x00).with_data(vec![0x7C, 0x00]);
    assert!(!chip.is_ca_command(&ga));
    assert_eq!(chip.handle(&ga).unwrap_err(), CaError::OutOfSequence);
    // The AES MSE:Set AT on a 3DES chip.
    let at = CommandApdu::new(0x00, 0x22, 0x41, 0xA4).with_data(vec![0x80, 0x00]);
    assert_eq!(chip.handle(&at).unwrap_err(), CaError::OutOfSequence);
}

#[test]
fn terminal_reports_chip_refusal() {
    let protocol = CaProtocol {
        agreement: Agreement::Dh,
        cipher: CipherAlg::Aes128,
    };
    let (setup, _) = chip_for(0, protocol, None);
    let (mut terminal, _) = CaTerminal::new(&setup, &mut CounterRng::from_u64(2)).unwrap();
    assert_eq!(
        terminal
            .step(&ResponseApdu::status(StatusWord::WRONG_DATA))
            .unwrap_err(),
        CaError::ChipStatus(StatusWord::WRONG_DATA)
    );
    assert_eq!(
        terminal
            .step(&ResponseApdu::status(StatusWord::SUCCESS))
            .unwrap_err(),
        CaError::OutOfSequence
    );
    // A DG14 key that is not a valid group element is refused before anything is sent.
    let mut bad = setup.clone();
    bad.key.public_key = vec![0x01; 128];
    assert!(matches!(
        CaTerminal::new(&bad, &mut CounterRng::from_u64(2)),
        Err(CaError::InvalidPeerKey(_))
    ));
}
