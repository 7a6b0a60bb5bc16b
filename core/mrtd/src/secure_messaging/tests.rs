use super::*;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn appendix_d_channel() -> SecureChannel {
    SecureChannel::new(
        CipherAlg::Tdes,
        Zeroizing::new(h("979EC13B1CBFE9DCD01AB0FED307EAE5")),
        Zeroizing::new(h("F1CB1F1FB5ADF208806B89DC579DC1F8")),
        h("887022120C06C226"),
    )
    .unwrap()
}

#[test]
fn appendix_d4_select_and_read() {
    let mut sm = appendix_d_channel();
    // 1. SELECT EF.COM
    let select = CommandApdu::new(0, 0xA4, 2, 0x0C).with_data(h("011E"));
    let p = sm.protect_command(&select, LengthMode::Short).unwrap();
    assert_eq!(
        p.to_bytes().unwrap(),
        h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")
    );
    let r = sm
        .unprotect_response(&ResponseApdu::parse(&h("990290008E08FA855A5D4C50A8ED9000")).unwrap())
        .unwrap()
        .authenticated()
        .unwrap();
    assert!(r.sw.is_success() && r.data.is_empty());
    assert_eq!(sm.ssc(), h("887022120C06C228"));
    // 2. READ BINARY 4 bytes
    let read = CommandApdu::new(0, 0xB0, 0, 0).with_ne(4);
    let p = sm.protect_command(&read, LengthMode::Short).unwrap();
    assert_eq!(
        p.to_bytes().unwrap(),
        h("0CB000000D9701048E08ED6705417E96BA5500")
    );
    let r = sm
        .unprotect_response(
            &ResponseApdu::parse(&h("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000"))
                .unwrap(),
        )
        .unwrap()
        .authenticated()
        .unwrap();
    assert_eq!(r.data, h("60145F01"));
    // 3. READ BINARY 18 bytes at offset 4
    let read = CommandApdu::new(0, 0xB0, 0, 4).with_ne(0x12);
    let p = sm.protect_command(&read, LengthMode::Short).unwrap();
    assert_eq!(
        p.to_bytes().unwrap(),
        h("0CB000040D9701128E082EA28A70F3C7B53500")
    );
    let r = sm
        .unprotect_response(
            &ResponseApdu::parse(&h("871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000"))
                .unwrap(),
        )
        .unwrap()
        .authenticated()
        .unwrap();
    assert_eq!(r.data, h("04303130365F36063034303030305C026175"));
    assert_eq!(sm.ssc(), h("887022120C06C22C"));
}

#[test]
fn appendix_d4_chip_side_reproduces_responses() {
    let mut chip = appendix_d_channel();
    let cmd =
        CommandApdu::parse(&h("0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800")).unwrap();
    let plain = chip.unprotect_command(&cmd).unwrap();
    assert_eq!(plain.data, h("011E"));
    assert_eq!(
        (plain.cla, plain.ins, plain.p1, plain.p2),
        (0, 0xA4, 2, 0x0C)
    );
    let resp = chip
        .protect_response(&ResponseApdu::status(StatusWord::SUCCESS), false)
        .unwrap();
    assert_eq!(resp.to_bytes(), h("990290008E08FA855A5D4C50A8ED9000"));
    let cmd = CommandApdu::parse(&h("0CB000000D9701048E08ED6705417E96BA5500")).unwrap();
    let plain = chip.unprotect_command(&cmd).unwrap();
    assert_eq!(plain.ne, Some(4));
    let resp = chip
        .protect_response(
            &ResponseApdu::new(h("60145F01"), StatusWord::SUCCESS),
            false,
        )
        .unwrap();
    assert_eq!(
        resp.to_bytes(),
        h("8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000")
    );
}

#[test]
fn aes_g1_derived_vectors() {
    let chan = || {
        SecureChannel::new(
            CipherAlg::Aes128,
            Zeroizing::new(h("F5F0E35C0D7161EE6724EE513A0D9A7F")),
            Zeroizing::new(h("FE251C7858B356B24514B3BD5F4297D1")),
            SecureChannel::zero_ssc(CipherAlg::Aes128),
        )
        .unwrap()
    };
    let mut sm = chan();
    let select = CommandApdu::new(0, 0xA4, 4, 0x0C).with_data(h("A0000002471001"));
    assert_eq!(
        sm.protect_command(&select, LengthMode::Short)
            .unwrap()
            .to_bytes()
            .unwrap(),
        h("0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00")
    );
    let mut sm = chan();
    let select = CommandApdu::new(0, 0xA4, 2, 0x0C).with_data(h("011E"));
    assert_eq!(
        sm.protect_command(&select, LengthMode::Short)
            .unwrap()
            .to_bytes()
            .unwrap(),
        h("0CA4020C1D871101EE0E4724F4465C1BE9C2F73ABDD73A3D8E08835D1B54575C955F00")
    );
    sm.increment_ssc(); // the response to the SELECT
    let read = CommandApdu::new(0, 0xB0, 0, 0).with_ne(4);
    assert_eq!(
        sm.protect_command(&read, LengthMode::Short)
            .unwrap()
            .to_bytes()
            .unwrap(),
        h("0CB000000D9701048E08AA6BA54F44DF836400")
    );
}

#[test]
fn round_trip_all_ciphers_and_extended() {
    for alg in [
        CipherAlg::Tdes,
        CipherAlg::Aes128,
        CipherAlg::Aes192,
        CipherAlg::Aes256,
    ] {
        let mk = || {
            SecureChannel::new(
                alg,
                Zeroizing::new(vec![0x11; alg.key_len()]),
                Zeroizing::new(vec![0x22; alg.key_len()]),
                SecureChannel::zero_ssc(alg),
            )
            .unwrap()
        };
        let (mut term, mut chip) = (mk(), mk());
        for (cmd, mode) in [
            (
                CommandApdu::new(0, 0xB0, 0, 0).with_ne(223),
                LengthMode::Short,
            ),
            (
                CommandApdu::new(0, 0xB0, 0, 0).with_ne(65536),
                LengthMode::Extended,
            ),
            (
                CommandApdu::new(0, 0xB1, 0, 0)
                    .with_data(h("54028000"))
                    .with_ne(1000),
                LengthMode::Extended,
            ),
        ] {
            let p = term.protect_command(&cmd, mode).unwrap();
            let back = chip
                .unprotect_command(&CommandApdu::parse(&p.to_bytes().unwrap()).unwrap())
                .unwrap();
            assert_eq!(back, cmd);
            let data = vec![0x5A; cmd.ne.unwrap().min(3000)];
            let resp = chip
                .protect_response(
                    &ResponseApdu::new(data.clone(), StatusWord::SUCCESS),
                    cmd.ins & 1 == 1,
                )
                .unwrap();
            let got = term
                .unprotect_response(&ResponseApdu::parse(&resp.to_bytes()).unwrap())
                .unwrap()
                .authenticated()
                .unwrap();
            assert_eq!(got.data, data);
        }
    }
}

#[test]
fn wrong_mac_closes_the_channel() {
    let mut sm = appendix_d_channel();
    sm.protect_command(
        &CommandApdu::new(0, 0xA4, 2, 0x0C).with_data(h("011E")),
        LengthMode::Short,
    )
    .unwrap();
    let bad = ResponseApdu::parse(&h("990290008E08FA855A5D4C50A8EE9000")).unwrap();
    assert_eq!(sm.unprotect_response(&bad), Err(SmError::BadMac));
    assert!(sm.is_closed());
    assert_eq!(
        sm.protect_command(
            &CommandApdu::new(0, 0xB0, 0, 0).with_ne(4),
            LengthMode::Short
        ),
        Err(SmError::Closed)
    );
}

#[test]
fn prepadded_response_with_bad_padding_passes_the_mac_and_fails_unpadding() {
    let (mut terminal, mut chip) = (appendix_d_channel(), appendix_d_channel());
    let cmd = CommandApdu::new(0, 0xB0, 0, 0).with_ne(4);
    let protected = terminal.protect_command(&cmd, LengthMode::Short).unwrap();
    chip.unprotect_command(&protected).unwrap();
    // Eight data bytes and no padding block: the last byte is not a padding marker.
    let resp = chip
        .protect_response_prepadded(&h("6018010203040506"), StatusWord::SUCCESS)
        .unwrap();
    assert_eq!(terminal.unprotect_response(&resp), Err(SmError::BadPadding));
    assert!(terminal.is_closed());
    // Correctly padded, the same path round-trips.
    let (mut terminal, mut chip) = (appendix_d_channel(), appendix_d_channel());
    let protected = terminal.protect_command(&cmd, LengthMode::Short).unwrap();
    chip.unprotect_command(&protected).unwrap();
    let resp = chip
        .protect_response_prepadded(&h("6018010280000000"), StatusWord::SUCCESS)
        .unwrap();
    assert_eq!(
        terminal
            .unprotect_response(&resp)
            .unwrap()
            .authenticated()
            .unwrap()
            .data,
        h("601801 02")
    );
}

#[test]
fn hostile_responses() {
    let fresh = || {
        let mut sm = appendix_d_channel();
        sm.protect_command(
            &CommandApdu::new(0, 0xA4, 2, 0x0C).with_data(h("011E")),
            LengthMode::Short,
        )
        .unwrap();
        sm
    };
    let cases: [(&str, SmError); 7] = [
        ("9000", SmError::PlaintextResponse),
        ("60149000", SmError::PlaintextResponse),
        ("60009000", SmError::PlaintextResponse),
        ("8E08FA855A5D4C50A8ED9000", SmError::MissingObject(DO99)),
        ("990290009000", SmError::MissingObject(DO8E)),
        (
            "99059000",
            SmError::Malformed(tlv::TlvError::ValueOverrun {
                declared: 5,
                available: 0,
            }),
        ),
        (
            "990290008E08FA855A5D4C50A8ED01009000",
            SmError::UnexpectedObject(Tag(0x01)),
        ),
    ];
    for (resp, err) in cases {
        let mut sm = fresh();
        assert_eq!(
            sm.unprotect_response(&ResponseApdu::parse(&h(resp)).unwrap()),
            Err(err),
            "{resp}"
        );
        assert!(sm.is_closed());
    }
    // A valid MAC but an outer SW that disagrees with DO'99'.
    let mut sm = fresh();
    assert_eq!(
        sm.unprotect_response(
            &ResponseApdu::parse(&h("990290008E08FA855A5D4C50A8ED6A82")).unwrap()
        ),
        Err(SmError::StatusMismatch)
    );
    // A plain error status comes back as what it is (never as an authenticated answer); the
    // chip's own SM errors close the channel.
    let mut sm = fresh();
    assert_eq!(
        sm.unprotect_response(&ResponseApdu::parse(&h("6A82")).unwrap()),
        Ok(Unprotected::Plain(StatusWord(0x6A82)))
    );
    assert!(!sm.is_closed());
    let mut sm = fresh();
    assert_eq!(
        sm.unprotect_response(&ResponseApdu::parse(&h("6988")).unwrap()),
        Ok(Unprotected::Plain(StatusWord(0x6988)))
    );
    assert!(sm.is_closed());
}

proptest::proptest! {
    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 2..300)) {
        let mut sm = appendix_d_channel();
        let _ = sm.unprotect_response(&ResponseApdu::parse(&bytes).unwrap());
        let mut chip = appendix_d_channel();
        if let Ok(c) = CommandApdu::parse(&bytes) { let _ = chip.unprotect_command(&c); }
    }
}
