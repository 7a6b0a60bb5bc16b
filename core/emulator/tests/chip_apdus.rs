//! The chip driven APDU by APDU, as ISO/IEC 7816-4 and 9303 say it must answer: SELECT MF,
//! EF.ATR/INFO and the ATR's historical bytes, odd-INS READ BINARY of a 64 KiB DG2 with every
//! Le, and no short response over 256 data bytes in a full read of any profile.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use async_trait::async_trait;
use tapid_card::tlv::{self, Tag, Tlv};
use tapid_card::{
    CardTransport, CommandApdu, ResponseApdu, StatusWord, TransportCapabilities, TransportError,
};
use tapid_emulator::atr::{self, ATR_INFO_FID};
use tapid_emulator::faults::{self, Fault};
use tapid_emulator::pki::drbg::SeededRng;
use tapid_emulator::profile::list;
use tapid_emulator::{Chip, ChipConfig, EmulatorTransport, Profile};
use tapid_mrtd::bac::{self, BacTerminal, DocumentKeys};
use tapid_mrtd::lds::{DataGroup, ElementaryFile};
use tapid_mrtd::mrz::{AccessKey, Can};
use tapid_mrtd::reader::ReadOptions;
use tapid_mrtd::secure_messaging::{LengthMode, SecureChannel};
use tapid_test_support::read::read_pinned;

/// The most plain response data (e.g. a whole DO'53') a short response protected with 3DES
/// carries: a 232-byte cryptogram in DO'87'/'85', DO'99' and DO'8E' make 249–250 bytes.
const PLAIN_ROOM_3DES: usize = 231;

const SHORT: ChipConfig = ChipConfig {
    extended_length: false,
};

fn send(chip: &mut Chip, cmd: &CommandApdu) -> ResponseApdu {
    ResponseApdu::parse(&chip.process(&cmd.to_bytes().unwrap())).unwrap()
}

fn select_fid(p1: u8, fid: u16) -> CommandApdu {
    CommandApdu::new(0x00, 0xA4, p1, 0x0C).with_data(fid.to_be_bytes().to_vec())
}

fn read_binary(offset: u16, ne: usize) -> CommandApdu {
    let [p1, p2] = offset.to_be_bytes();
    CommandApdu::new(0x00, 0xB0, p1, p2).with_ne(ne)
}

/// BAC with the profile's MRZ, straight against the chip.
fn bac_session(chip: &mut Chip, profile: &Profile) -> SecureChannel {
    let challenge = send(chip, &bac::get_challenge());
    assert_eq!(challenge.sw, StatusWord::SUCCESS);
    let rnd_ic: [u8; 8] = challenge.data.as_slice().try_into().unwrap();
    let terminal = BacTerminal::new(
        DocumentKeys::derive(&profile.mrz_key().unwrap()),
        rnd_ic,
        &mut SeededRng::new(b"terminal"),
    );
    let answer = send(chip, &terminal.external_authenticate().unwrap());
    assert_eq!(answer.sw, StatusWord::SUCCESS);
    terminal.complete(&answer.data).unwrap()
}

fn protected(chip: &mut Chip, sm: &mut SecureChannel, cmd: &CommandApdu) -> ResponseApdu {
    let wire = sm.protect_command(cmd, LengthMode::Short).unwrap();
    let raw = chip.process(&wire.to_bytes().unwrap());
    // A short command never gets more than 256 response data bytes.
    assert!(raw.len() <= 258, "{} response bytes", raw.len());
    sm.unprotect_response(&ResponseApdu::parse(&raw).unwrap())
        .unwrap()
        .authenticated()
        .unwrap()
}

#[test]
fn select_master_file_without_data_and_by_3f00() {
    let profile = Profile::named("pace-gm-bp256-aes128").unwrap();
    let mut chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let mf_without_data = CommandApdu::new(0x00, 0xA4, 0x00, 0x0C);
    assert_eq!(
        mf_without_data.to_bytes().unwrap(),
        [0x00, 0xA4, 0x00, 0x0C]
    );
    for select_mf in [mf_without_data, select_fid(0x00, 0x3F00)] {
        // Select the eMRTD application first, so that SELECT MF has something to undo: the
        // application's files are then out of reach by short EF identifier 1C.
        let aid =
            CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(tapid_mrtd::lds::EMRTD_AID.to_vec());
        assert_eq!(send(&mut chip, &aid).sw, StatusWord::SUCCESS);
        assert_eq!(send(&mut chip, &select_mf).sw, StatusWord::SUCCESS);
        // EF.CardAccess (SFI 1C) of the master file reads without access control.
        let r = send(
            &mut chip,
            &CommandApdu::new(0x00, 0xB0, 0x9C, 0x00).with_ne(256),
        );
        assert_eq!(r.sw, StatusWord::END_OF_FILE);
        assert_eq!(
            r.data,
            profile.files.get(ElementaryFile::CardAccess).unwrap()
        );
    }
    // P1 = 02 (EF under the current DF) still needs its FID.
    let r = send(&mut chip, &CommandApdu::new(0x00, 0xA4, 0x02, 0x0C));
    assert_eq!(r.sw, StatusWord::LC_INCONSISTENT_WITH_P1P2);
}

#[test]
fn ef_atr_info_announces_extended_length_only_on_chips_that_have_it() {
    let profile = Profile::named("bac").unwrap();
    let mut chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    // By FID, before any access control.
    assert_eq!(
        send(&mut chip, &select_fid(0x00, ATR_INFO_FID)).sw,
        StatusWord::SUCCESS
    );
    let info = send(&mut chip, &read_binary(0, 256));
    assert_eq!(info.sw, StatusWord::END_OF_FILE);
    let (caps, _) = Tlv::parse(&info.data).unwrap();
    assert_eq!(caps.tag, Tag(atr::TAG_CARD_CAPABILITIES_DO));
    assert_eq!(caps.value.len(), 3);
    assert_eq!(
        caps.value[2] & (atr::EXTENDED_LC_LE | atr::EXTENDED_LENGTH_INFO),
        atr::EXTENDED_LC_LE | atr::EXTENDED_LENGTH_INFO
    );
    let ext = tlv::find(&info.data, Tag(atr::TAG_EXTENDED_LENGTH_INFO))
        .unwrap()
        .unwrap();
    let sizes: Vec<usize> = ext
        .children()
        .map(|i| {
            let i = i.unwrap();
            assert_eq!(i.tag, Tag(0x02));
            i.value.iter().fold(0, |a, b| (a << 8) | usize::from(*b))
        })
        .collect();
    assert_eq!(sizes, [atr::MAX_COMMAND_LEN, atr::MAX_RESPONSE_LEN]);
    // By short EF identifier 01 of the master file as well.
    let mut fresh = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let by_sfi = send(
        &mut fresh,
        &CommandApdu::new(0x00, 0xB0, 0x81, 0x00).with_ne(256),
    );
    assert_eq!(by_sfi.data, info.data);
    // The ATR says so too, as does the in-process transport's view of it.
    let t = EmulatorTransport::new(Chip::new(&profile, ChipConfig::default(), b"c").unwrap());
    assert_eq!(t.historical_bytes(), Some(atr::historical_bytes(true)));
    assert_eq!(t.atr(), atr::for_chip(ChipConfig::default()));

    // A chip without extended length has no EF.ATR/INFO and says nothing in its ATR.
    let mut short = Chip::new(&profile, SHORT, b"chip").unwrap();
    assert_eq!(
        send(&mut short, &select_fid(0x00, ATR_INFO_FID)).sw,
        StatusWord::FILE_NOT_FOUND
    );
    assert_eq!(short.historical_bytes()[4] & atr::EXTENDED_LC_LE, 0);

    // Announced in EF.ATR/INFO only: the ATR looks like a short chip's, the file does not.
    for chip in [
        Chip::new(&profile, ChipConfig::default(), b"c")
            .unwrap()
            .without_extended_length_in_atr(),
        faults::chip(
            &profile,
            ChipConfig::default(),
            b"c",
            Fault::ExtendedLengthAtrInfoOnly,
        )
        .unwrap(),
    ] {
        let mut t = EmulatorTransport::new(chip);
        assert_eq!(t.historical_bytes(), Some(atr::historical_bytes(false)));
        assert_eq!(t.atr(), atr::for_chip(SHORT));
        let chip = t.chip_mut();
        assert_eq!(
            send(chip, &select_fid(0x00, ATR_INFO_FID)).sw,
            StatusWord::SUCCESS
        );
        assert_eq!(send(chip, &read_binary(0, 256)).data, info.data);
    }
}

#[test]
fn extended_commands_beyond_the_announced_buffer_are_refused() {
    let profile = Profile::named("bac").unwrap();
    let mut chip = Chip::new(&profile, ChipConfig::default(), b"chip").unwrap();
    let too_long = select_fid(0x00, 0x011E)
        .with_data(vec![0x01; atr::MAX_COMMAND_LEN])
        .to_bytes()
        .unwrap();
    assert_eq!(chip.process(&too_long), [0x67, 0x00]);
    let mut short = Chip::new(&profile, SHORT, b"chip").unwrap();
    let extended = read_binary(0, 300).to_bytes().unwrap();
    assert_eq!(short.process(&extended), [0x67, 0x00]);
}

/// Odd-INS READ BINARY (offset in DO'54', data in DO'53') of the whole `large-dg2` DG2 from
/// offset 0 with this Le, under BAC secure messaging.
fn odd_ins_read(chip: &mut Chip, sm: &mut SecureChannel, ne: usize, size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..=size {
        let offset = out.len() as u32;
        let off: Vec<u8> = offset
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        let off = if off.is_empty() { vec![0] } else { off };
        let cmd = CommandApdu::new(0x00, 0xB1, 0x00, 0x00)
            .with_data(tlv::encode(Tag(0x54), &off))
            .with_ne(ne);
        let r = protected(chip, sm, &cmd);
        assert!(r.data.len() <= ne, "Le {ne}: {} bytes", r.data.len());
        let obj = Tlv::parse_tagged(&r.data, Tag(0x53)).unwrap();
        out.extend_from_slice(obj.value);
        match r.sw {
            StatusWord::SUCCESS => {
                // Never an empty answer before the end, and every byte that fits: Le, or
                // the 231 plain bytes a short 3DES-protected response holds.
                assert!(!obj.value.is_empty(), "Le {ne} at {offset}");
                let limit = ne.min(PLAIN_ROOM_3DES);
                let more = obj.value.len() + 1;
                let header = if more < 0x80 { 2 } else { 3 };
                assert!(
                    r.data.len() <= limit && more + header > limit,
                    "Le {ne}: {} data bytes",
                    obj.value.len()
                );
            }
            StatusWord::END_OF_FILE => return out,
            sw => panic!("Le {ne} at {offset}: {sw}"),
        }
    }
    panic!("Le {ne}: the read did not end");
}

#[test]
fn odd_ins_reads_of_a_64_kib_dg2_with_every_le_return_the_whole_file() {
    let profile = Profile::named("bac").unwrap();
    let fault_profile = faults::document::apply(Fault::LargeDg2, &profile).unwrap();
    let dg2 = fault_profile
        .files
        .get(ElementaryFile::Dg(DataGroup::new(2).unwrap()))
        .unwrap()
        .to_vec();
    assert!(dg2.len() > 65_536);
    let mut chip = faults::chip(&profile, SHORT, b"chip", Fault::LargeDg2).unwrap();
    let mut sm = bac_session(&mut chip, &fault_profile);
    let aid =
        CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(tapid_mrtd::lds::EMRTD_AID.to_vec());
    assert_eq!(protected(&mut chip, &mut sm, &aid).sw, StatusWord::SUCCESS);
    let select_dg2 = select_fid(0x02, 0x0102);
    assert_eq!(
        protected(&mut chip, &mut sm, &select_dg2).sw,
        StatusWord::SUCCESS
    );
    // Le 1 and 2 leave no room after the DO'53' header: 6700, not an empty 53 00.
    for ne in [1, 2] {
        let cmd = CommandApdu::new(0x00, 0xB1, 0x00, 0x00)
            .with_data(tlv::encode(Tag(0x54), &[0x00]))
            .with_ne(ne);
        let r = protected(&mut chip, &mut sm, &cmd);
        assert_eq!(r.sw, StatusWord::WRONG_LENGTH, "Le {ne}");
        assert!(r.data.is_empty());
    }
    // From the smallest Le that carries data (53 01 xx) to 256, one from each length-field
    // size, then every other one (a full 64 KiB read per Le).
    let mut les: Vec<usize> = (3..=256).collect();
    les.sort_by_key(|ne| (*ne % 7 != 0, *ne));
    for ne in les {
        let got = odd_ins_read(&mut chip, &mut sm, ne, dg2.len());
        assert_eq!(got.len(), dg2.len(), "Le {ne}");
        assert!(got == dg2, "Le {ne}: the bytes differ");
    }
}

/// Counts what the reader sends and checks every answer's size.
struct Watched {
    inner: EmulatorTransport,
    largest: usize,
    commands: usize,
}

#[async_trait]
impl CardTransport for Watched {
    async fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, TransportError> {
        self.commands += 1;
        let answer = self.inner.transmit(command).await?;
        self.largest = self.largest.max(answer.len().saturating_sub(2));
        Ok(answer)
    }

    fn capabilities(&self) -> TransportCapabilities {
        self.inner.capabilities()
    }
}

#[tokio::test]
async fn no_short_response_carries_more_than_256_data_bytes() {
    for info in list() {
        let profile = Profile::named(info.name).unwrap();
        let mut keys = vec![AccessKey::Mrz(profile.mrz_key().unwrap())];
        if let Some(can) = info.can {
            keys.push(AccessKey::Can(Can::new(can).unwrap()));
        }
        for key in keys {
            let mut t = Watched {
                inner: EmulatorTransport::new(Chip::new(&profile, SHORT, b"chip").unwrap()),
                largest: 0,
                commands: 0,
            };
            let options = ReadOptions {
                data_groups: (2..=16).filter_map(DataGroup::new).collect(),
                ..ReadOptions::default()
            };
            let trust = tapid_mrtd::pa::TrustStore::new();
            let result = read_pinned(&mut t, &key, &options, &trust, b"t").await;
            if info.parameters == "DH-2048-256" {
                // Its PACE key does not fit a short APDU: the reader says so and sends
                // nothing longer.
                assert!(
                    matches!(
                        result,
                        Err(tapid_mrtd::reader::ReadError::ExtendedLengthRequired { .. })
                    ),
                    "{}",
                    info.name
                );
                assert!(t.largest <= 256);
                continue;
            }
            let out = result.unwrap_or_else(|e| panic!("{}: {e}", info.name));
            assert!(t.commands > 10);
            assert!(
                t.largest <= 256,
                "{}: a {}-byte response",
                info.name,
                t.largest
            );
            // Blocks as large as fit: 223 plain bytes under AES, 231 under 3DES.
            let block = if out.report().access.cipher.name() == "3DES" {
                231
            } else {
                223
            };
            assert_eq!(
                out.report().transport.as_ref().unwrap().max_read.max(block),
                block,
                "{}",
                info.name
            );
        }
    }
}

#[test]
fn short_protected_reads_fill_the_256_bytes_they_may() {
    // Asked for 256 plain bytes with short APDUs, the BAC (3DES) chip returns 231: the most
    // whose DO'87' (232-byte cryptogram), DO'99' and DO'8E' fit 256 bytes.
    let profile = Profile::named("bac").unwrap();
    let mut chip = Chip::new(&profile, SHORT, b"chip").unwrap();
    let mut sm = bac_session(&mut chip, &profile);
    let aid =
        CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(tapid_mrtd::lds::EMRTD_AID.to_vec());
    assert_eq!(protected(&mut chip, &mut sm, &aid).sw, StatusWord::SUCCESS);
    let dg2 = CommandApdu::new(0x00, 0xB0, 0x82, 0x00).with_ne(256);
    let wire = sm.protect_command(&dg2, LengthMode::Short).unwrap();
    let raw = chip.process(&wire.to_bytes().unwrap());
    assert_eq!(raw.len(), 250 + 2);
    let r = sm
        .unprotect_response(&ResponseApdu::parse(&raw).unwrap())
        .unwrap()
        .authenticated()
        .unwrap();
    assert_eq!(r.sw, StatusWord::SUCCESS);
    assert_eq!(r.data.len(), PLAIN_ROOM_3DES);
    let file = profile
        .files
        .get(ElementaryFile::Dg(DataGroup::new(2).unwrap()))
        .unwrap();
    assert_eq!(r.data, file[..231]);
}

/// Chip Authentication with the key of the profile's DG14 under `sm`; returns the
/// terminal's new channel.
fn chip_authentication(
    chip: &mut Chip,
    sm: &mut SecureChannel,
    profile: &Profile,
) -> SecureChannel {
    use tapid_mrtd::chip_authentication::{CaSetup, CaStep, CaTerminal};
    let dg14 = profile
        .files
        .get(ElementaryFile::Dg(DataGroup::new(14).unwrap()))
        .unwrap();
    let infos = tapid_mrtd::lds::dg14::Dg14::parse(dg14)
        .unwrap()
        .security_infos;
    let setup = CaSetup::choose(&infos).unwrap();
    let (mut ca, mut cmd) = CaTerminal::new(&setup, &mut SeededRng::new(b"ca")).unwrap();
    loop {
        let resp = protected(chip, sm, &cmd);
        assert_eq!(resp.sw, StatusWord::SUCCESS);
        match ca.step(&resp).unwrap() {
            CaStep::Send(next) => cmd = next,
            CaStep::Done(next) => return next,
            _ => panic!("unexpected CA step"),
        }
    }
}

#[test]
fn ca_clones_answer_plain_status_words_after_chip_authentication() {
    let profile = Profile::named("bac").unwrap();
    for (fault, status) in [
        (Fault::CaClonePlain6982, [0x69, 0x82]),
        (Fault::CaClonePlain6A82, [0x6A, 0x82]),
    ] {
        let mut chip = faults::chip(&profile, SHORT, b"chip", fault).unwrap();
        let mut sm = bac_session(&mut chip, &profile);
        let aid =
            CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(tapid_mrtd::lds::EMRTD_AID.to_vec());
        assert_eq!(protected(&mut chip, &mut sm, &aid).sw, StatusWord::SUCCESS);
        // The CA commands are answered under the old keys, as the genuine chip would.
        let mut new_sm = chip_authentication(&mut chip, &mut sm, &profile);
        // Then every command, protected under the new keys or plain, gets the plain status.
        let com = CommandApdu::new(0x00, 0xB0, 0x9E, 0x00).with_ne(8);
        let wire = new_sm.protect_command(&com, LengthMode::Short).unwrap();
        assert_eq!(chip.process(&wire.to_bytes().unwrap()), status, "{fault}");
        assert_eq!(
            chip.process(&bac::get_challenge().to_bytes().unwrap()),
            status
        );
        assert_eq!(chip.process(&[0x00, 0xA4, 0x00, 0x0C]), status);
        // A power cycle ends it (a new session is answered again).
        chip.reset();
        assert_eq!(
            send(&mut chip, &bac::get_challenge()).sw,
            StatusWord::SUCCESS
        );
    }
    // The genuine chip goes on under the new keys.
    let mut chip = Chip::new(&profile, SHORT, b"chip").unwrap();
    let mut sm = bac_session(&mut chip, &profile);
    let aid =
        CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(tapid_mrtd::lds::EMRTD_AID.to_vec());
    protected(&mut chip, &mut sm, &aid);
    let mut new_sm = chip_authentication(&mut chip, &mut sm, &profile);
    let com = CommandApdu::new(0x00, 0xB0, 0x9E, 0x00).with_ne(8);
    assert_eq!(
        protected(&mut chip, &mut new_sm, &com).sw,
        StatusWord::SUCCESS
    );
}

#[test]
fn ca_clone_resume_is_genuine_until_the_tag_is_lost_at_internal_authenticate() {
    use tapid_emulator::faults::link::Reply;
    use tapid_mrtd::pace::{PaceTerminal, Step};
    let profile = Profile::named("pace-ca-aa").unwrap();
    let mut chip = faults::chip(&profile, SHORT, b"chip", Fault::CaCloneResume).unwrap();
    let key = AccessKey::Mrz(profile.mrz_key().unwrap());
    let open = |chip: &mut Chip| -> SecureChannel {
        let access = send(chip, &CommandApdu::new(0x00, 0xB0, 0x9C, 0x00).with_ne(256));
        let infos = tapid_mrtd::security_infos::SecurityInfos::parse(&access.data).unwrap();
        let setup = tapid_mrtd::security_infos::choose_pace(&infos, false).unwrap();
        let (mut terminal, mut cmd) = PaceTerminal::new(&setup, &key).unwrap();
        let mut rng = SeededRng::new(b"terminal");
        loop {
            let resp = send(chip, &cmd);
            match terminal.step(&resp, &mut rng).unwrap() {
                Step::Send(next) => cmd = next,
                Step::Done(sm, _) => break sm,
                _ => panic!("unexpected PACE step"),
            }
        }
    };
    let aid =
        CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(tapid_mrtd::lds::EMRTD_AID.to_vec());
    let internal_authenticate = CommandApdu::new(0x00, 0x88, 0x00, 0x00)
        .with_data(b"tapid-01".to_vec())
        .with_ne(256);

    // First session: the genuine chip, which leaves the field at INTERNAL AUTHENTICATE.
    let mut sm = open(&mut chip);
    protected(&mut chip, &mut sm, &aid);
    let wire = sm
        .protect_command(&internal_authenticate, LengthMode::Short)
        .unwrap();
    assert_eq!(chip.exchange(&wire.to_bytes().unwrap()), Reply::Lost);
    assert_eq!(chip.exchange(&[0x00, 0xA4, 0x00, 0x0C]), Reply::Lost);

    // Put back: the clone opens PACE like the genuine chip, then refuses AA with a plain 6982.
    chip.reset();
    let mut sm = open(&mut chip);
    protected(&mut chip, &mut sm, &aid);
    let wire = sm
        .protect_command(&internal_authenticate, LengthMode::Short)
        .unwrap();
    assert_eq!(chip.process(&wire.to_bytes().unwrap()), [0x69, 0x82]);

    // Its CA key is not DG14's: the first command under the new keys gets a plain 6982.
    let mut sm = open(&mut chip);
    protected(&mut chip, &mut sm, &aid);
    let mut new_sm = {
        use tapid_mrtd::chip_authentication::{CaSetup, CaStep, CaTerminal};
        let dg14 = profile
            .files
            .get(ElementaryFile::Dg(DataGroup::new(14).unwrap()))
            .unwrap();
        let infos = tapid_mrtd::lds::dg14::Dg14::parse(dg14)
            .unwrap()
            .security_infos;
        let setup = CaSetup::choose(&infos).unwrap();
        let (mut ca, mut cmd) = CaTerminal::new(&setup, &mut SeededRng::new(b"ca")).unwrap();
        loop {
            let resp = protected(&mut chip, &mut sm, &cmd);
            assert_eq!(resp.sw, StatusWord::SUCCESS);
            match ca.step(&resp).unwrap() {
                CaStep::Send(next) => cmd = next,
                CaStep::Done(next) => break next,
                _ => panic!("unexpected CA step"),
            }
        }
    };
    let com = CommandApdu::new(0x00, 0xB0, 0x9E, 0x00).with_ne(8);
    let wire = new_sm.protect_command(&com, LengthMode::Short).unwrap();
    assert_eq!(chip.process(&wire.to_bytes().unwrap()), [0x69, 0x82]);
}
