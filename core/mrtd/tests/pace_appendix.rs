#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! The PACE state machines against ICAO 9303-11 App. G.1, G.2, H.1, H.2 and I.1, byte for
//! byte: both sides run with scripted randomness (the examples' nonces and keys), every
//! APDU is compared with the appendix, and the session keys are checked through secure
//! messaging.

use tapid_card::{CommandApdu, ResponseApdu};
use tapid_mrtd::crypto::{DomainParameters, EcPoint};
use tapid_mrtd::mrz::{AccessKey, Can, MrzKey};
use tapid_mrtd::pace::{PaceChip, PaceOutcome, PaceTerminal, Step, pace_key};
use tapid_mrtd::secure_messaging::{LengthMode, SecureChannel};
use tapid_mrtd::security_infos::{
    Agreement, ChipAuthenticationPublicKeyInfo, Mapping, PaceProtocol, PaceSetup, SecurityInfo,
    SecurityInfos,
};
use tapid_mrtd::symmetric::CipherAlg;
use tapid_test_support::rng::ScriptedRng;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n', ','], "")).unwrap()
}

/// One expected exchange: command bytes and the chip's response bytes (with SW).
struct Exchange<'a> {
    command: &'a str,
    response: &'a str,
}

/// Runs terminal and chip against each other, checking every APDU against `script`.
fn run(
    setup: &PaceSetup,
    password: &AccessKey,
    chip: &mut PaceChip,
    terminal_rng: &[u8],
    chip_rng: &[u8],
    script: &[Exchange<'_>],
) -> (SecureChannel, SecureChannel, PaceOutcome) {
    let mut t_rng = ScriptedRng::new(terminal_rng.to_vec());
    let mut c_rng = ScriptedRng::new(chip_rng.to_vec());
    let (mut terminal, mut command) = PaceTerminal::new(setup, password).unwrap();
    let mut chip_channel = None;
    for (i, ex) in script.iter().enumerate() {
        assert_eq!(
            hex::encode_upper(command.to_bytes().unwrap()),
            hex::encode_upper(h(ex.command)),
            "command {i}"
        );
        let on_card = CommandApdu::parse(&command.to_bytes().unwrap()).unwrap();
        let (response, channel) = chip.handle(&on_card, &mut c_rng).unwrap();
        assert_eq!(
            hex::encode_upper(response.to_bytes()),
            hex::encode_upper(h(ex.response)),
            "response {i}"
        );
        chip_channel = channel.or(chip_channel);
        let received = ResponseApdu::parse(&response.to_bytes()).unwrap();
        match terminal.step(&received, &mut t_rng).unwrap() {
            Step::Send(next) => command = next,
            Step::Done(channel, outcome) => {
                assert_eq!(i, script.len() - 1, "finished early");
                assert!(
                    t_rng.remaining().is_empty() && c_rng.remaining().is_empty(),
                    "unused randomness"
                );
                return (channel, chip_channel.unwrap(), *outcome);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    panic!("terminal did not finish");
}

/// Checks that a channel holds KSenc/KSmac (SSC 0) by protecting a command with it and with
/// a channel built from the appendix's keys.
fn assert_keys(channel: &mut SecureChannel, alg: CipherAlg, ks_enc: &str, ks_mac: &str) {
    let mut reference = SecureChannel::new(
        alg,
        zeroize::Zeroizing::new(h(ks_enc)),
        zeroize::Zeroizing::new(h(ks_mac)),
        SecureChannel::zero_ssc(alg),
    )
    .unwrap();
    assert_eq!(channel.ssc(), SecureChannel::zero_ssc(alg).as_slice());
    let select = CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(h("A0000002471001"));
    assert_eq!(
        channel.protect_command(&select, LengthMode::Short).unwrap(),
        reference
            .protect_command(&select, LengthMode::Short)
            .unwrap()
    );
}

fn protocol(mapping: Mapping, agreement: Agreement) -> PaceProtocol {
    PaceProtocol::new(mapping, agreement, CipherAlg::Aes128).unwrap()
}

fn g1_password() -> AccessKey {
    AccessKey::Mrz(MrzKey::new("T22000129", "640812", "101031").unwrap())
}

#[test]
fn g1_ecdh_generic_mapping() {
    let infos = SecurityInfos::parse(&h("31143012060A04007F0007020204020202010202010D")).unwrap();
    let info = infos.pace_infos().next().unwrap();
    let mut setup = PaceSetup::from_info(info, &infos).unwrap();
    // The reader always sends tag 84 when the PACEInfo names a parameter ID; the worked
    // example omits tag 84 (one PACEInfo: not ambiguous), so its bytes are kept here.
    assert!(setup.send_parameter_id);
    setup.send_parameter_id = false;
    let password = g1_password();
    assert_eq!(
        pace_key(&password, CipherAlg::Aes128).as_slice(),
        h("89DED1B26624EC1E634C1989302849DD")
    );
    let mut chip = PaceChip::new(vec![setup.clone()], vec![password.clone()]);
    let script = [
        Exchange {
            command: "0022C1A40F800A04007F00070202040202830101",
            response: "9000",
        },
        Exchange {
            command: "10860000027C0000",
            response: "7C12801095A3A016522EE98D01E76CB6B98B42C39000",
        },
        Exchange {
            command: "10860000457C438141047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D00",
            response: "7C43824104824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C549000",
        },
        Exchange {
            command: "10860000457C438341042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB3646200",
            response: "7C438441049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F0949000",
        },
        Exchange {
            command: "008600000C7C0A8508C2B0BD78D94BA86600",
            response: "7C0A86083ABB9674BCE93C089000",
        },
    ];
    let terminal_rng = h(
        "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
         A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595",
    );
    let chip_rng = h("3F00C4D39D153F2B2A214A078D899B22
         498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560
         107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A");
    let (mut term_sm, mut chip_sm, outcome) = run(
        &setup,
        &password,
        &mut chip,
        &terminal_rng,
        &chip_rng,
        &script,
    );
    assert_eq!(outcome.parameters, "brainpoolP256r1");
    assert_eq!(outcome.parameter_id, Some(13));
    assert_eq!(outcome.protocol.name(), "id-PACE-ECDH-GM-AES-CBC-CMAC-128");
    assert!(outcome.cam.is_none());
    // The derived AES secure-messaging vector of the reference (SSC starts at 0).
    let select = CommandApdu::new(0x00, 0xA4, 0x04, 0x0C).with_data(h("A0000002471001"));
    let protected = term_sm.protect_command(&select, LengthMode::Short).unwrap();
    assert_eq!(
        protected.to_bytes().unwrap(),
        h("0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00")
    );
    assert_eq!(chip_sm.unprotect_command(&protected).unwrap(), select);
    let mut fresh = SecureChannel::new(
        CipherAlg::Aes128,
        zeroize::Zeroizing::new(h("F5F0E35C0D7161EE6724EE513A0D9A7F")),
        zeroize::Zeroizing::new(h("FE251C7858B356B24514B3BD5F4297D1")),
        SecureChannel::zero_ssc(CipherAlg::Aes128),
    )
    .unwrap();
    assert_eq!(
        fresh.protect_command(&select, LengthMode::Short).unwrap(),
        protected
    );
}

#[test]
fn g1_with_parameter_id_like_gmrtd() {
    let infos = SecurityInfos::parse(&h("31143012060A04007F0007020204020202010202010D")).unwrap();
    let setup = PaceSetup::from_info(infos.pace_infos().next().unwrap(), &infos).unwrap();
    // What the reader sends: tag 84 whenever the PACEInfo names a parameter ID.
    assert!(setup.send_parameter_id);
    let (_, command) = PaceTerminal::new(&setup, &g1_password()).unwrap();
    assert_eq!(
        command.to_bytes().unwrap(),
        h("0022C1A412800A04007F0007020204020283010184010D")
    );
}

#[test]
fn g2_dh_generic_mapping() {
    let mut setup = PaceSetup::standardized(protocol(Mapping::Gm, Agreement::Dh), 0).unwrap();
    // The worked example omits tag 84 in MSE:Set AT: keep its published bytes.
    setup.send_parameter_id = false;
    assert_eq!(setup.parameters_name(), "DH-1024-160");
    let password = g1_password();
    let mut chip = PaceChip::new(vec![setup.clone()], vec![password.clone()]);
    let pk_map_ifd = "23FB3749EA030D2A25B278D2A562047ADE3F01B74F17A15402CB7352CA7D2B3EB71C343DB13D1DEBCE9A3666DBCFC920B49174A602CB47965CAA73DC702489A44D41DB914DE9613DC5E98C94160551C0DF86274B9359BC0490D01B03AD54022DCB4F57FAD6322497D7A1E28D46710F461AFE710FBBBC5F8BA166F4311975EC6C";
    let pk_map_ic = "78879F57225AA8080D52ED0FC890A4B25336F699AA89A2D3A189654AF70729E623EA5738B26381E4DA19E004706FACE7B235C2DBF2F38748312F3C98C2DD4882A41947B324AA1259AC22579DB93F7085655AF30889DBB845D9E6783FE42C9F2449400306254C8AE8EE9DD812A804C0B66E8CAFC14F84D8258950A91B44126EE6";
    // The appendix prints PK_IFD with a spurious leading 00; on the wire it is 128 bytes.
    let pk_ifd = "907D89E2D425A178AA81AF4A7774EC8E388C115CAE67031E85EECE520BD911551B9AE4D04369F29A02626C86FBC6747CC7BC352645B6161A2A42D44EDA80A08FA8D61B76D3A154AD8A5A51786B0BC07147057871A922212C5F67F43173172236B7747D1671E6D692A3C7D40A0C3C5CE397545D015C175EB5130551EDBC2EE5D4";
    let pk_ic = "075693D9AE941877573E634B6E644F8E60AF17A0076B8B123D9201074D36152BD8B3A213F53820C42ADC79AB5D0AEEC3AEFB91394DA476BD97B9B14D0A65C1FC71A0E019CB08AF55E1F729005FBA7E3FA5DC41899238A250767A6D46DB974064386CD456743585F8E5D90CC8B4004B1F6D866C79CE0584E49687FF61BC29AEA1";
    let c2 = format!("10860000867C8183818180{pk_map_ifd}00");
    let r2 = format!("7C8183828180{pk_map_ic}9000");
    let c3 = format!("10860000867C8183838180{pk_ifd}00");
    let r3 = format!("7C8183848180{pk_ic}9000");
    let script = [
        Exchange {
            command: "0022C1A40F800A04007F00070202040102830101",
            response: "9000",
        },
        Exchange {
            command: "10860000027C0000",
            response: "7C128010854D8DF5827FA6852D1A4FA701CDDDCA9000",
        },
        Exchange {
            command: &c2,
            response: &r2,
        },
        Exchange {
            command: &c3,
            response: &r3,
        },
        Exchange {
            command: "008600000C7C0A8508B46DD9BD4D98381F00",
            // The appendix's chip also returns a CAR (87); this chip does not.
            response: "7C0A8608917F37B5C0E6D8D19000",
        },
    ];
    let terminal_rng =
        h("5265030F751F4AD18B08AC565FC7AC952E41618D 89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA");
    let chip_rng = h("FA5B7E3E49753A0DB9178B7B9BD898C8
        66DDAFEAC1609CB5B963BB0CB3FF8B3E047F336C A5B780126B7C980E9FCEA1D4539DA1D27C342DFA");
    let (mut term_sm, mut chip_sm, outcome) = run(
        &setup,
        &password,
        &mut chip,
        &terminal_rng,
        &chip_rng,
        &script,
    );
    assert_eq!(outcome.parameters, "DH-1024-160");
    let (enc, mac) = (
        "2F7F46ADCC9E7E521B45D192FAFA9126",
        "805A1D27D45A5116F73C54469462B7D8",
    );
    assert_keys(&mut term_sm, CipherAlg::Aes128, enc, mac);
    assert_keys(&mut chip_sm, CipherAlg::Aes128, enc, mac);
}

#[test]
fn g2_terminal_accepts_the_appendix_chip_with_car() {
    // The appendix's real step-4 answer carries 87 CAR after the token.
    let setup = PaceSetup::standardized(protocol(Mapping::Gm, Agreement::Dh), 0).unwrap();
    let password = g1_password();
    let mut chip = PaceChip::new(vec![setup.clone()], vec![password.clone()]);
    let mut t_rng = ScriptedRng::new(h(
        "5265030F751F4AD18B08AC565FC7AC952E41618D 89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA",
    ));
    let mut c_rng = ScriptedRng::new(h(
        "FA5B7E3E49753A0DB9178B7B9BD898C8 66DDAFEAC1609CB5B963BB0CB3FF8B3E047F336C A5B780126B7C980E9FCEA1D4539DA1D27C342DFA",
    ));
    let (mut terminal, mut command) = PaceTerminal::new(&setup, &password).unwrap();
    for _ in 0..4 {
        let (response, _) = chip.handle(&command, &mut c_rng).unwrap();
        match terminal.step(&response, &mut t_rng).unwrap() {
            Step::Send(next) => command = next,
            other => panic!("unexpected {other:?}"),
        }
    }
    let appendix = ResponseApdu::parse(&h(
        "7C1B8608917F37B5C0E6D8D1870F4445544553544356434130303030339000",
    ))
    .unwrap();
    assert!(matches!(
        terminal.step(&appendix, &mut t_rng).unwrap(),
        Step::Done(..)
    ));
}

fn h_password() -> AccessKey {
    // App. H's quirk: Kπ comes from the unhashed "123456" (CAN-style), so this runs with a
    // CAN; its MSE:Set AT therefore carries password reference 02 where the appendix shows 01.
    AccessKey::Can(Can::new("123456").unwrap())
}

#[test]
fn h1_ecdh_integrated_mapping() {
    let mut setup = PaceSetup::standardized(protocol(Mapping::Im, Agreement::Ecdh), 13).unwrap();
    // The worked example omits tag 84 in MSE:Set AT: keep its published bytes.
    setup.send_parameter_id = false;
    let password = h_password();
    assert_eq!(
        pace_key(&password, CipherAlg::Aes128).as_slice(),
        h("591468CDA83D65219CCCB8560233600F")
    );
    let mut chip = PaceChip::new(vec![setup.clone()], vec![password.clone()]);
    let script = [
        Exchange {
            command: "0022C1A40F800A04007F00070202040402830102",
            response: "9000",
        },
        Exchange {
            command: "10860000027C0000",
            response: "7C128010143DC40C08C8E891FBED7DEDB92B64AD9000",
        },
        Exchange {
            command: "10860000147C1281105DD4CBFC96F5453B130D890A1CDBAE3200",
            response: "7C009000",
        },
        Exchange {
            command: "10860000457C4383410489CBA23FFE96AA18D824627C3E934E54A9FD0B87A95D1471DC1C0ABFDCD640D46755DE9B7B778280B6BEBD57439ADFEB0E21FD4ED6DF42578C13418A59B34C3700",
            response: "7C4384410467F78E5F7F7686082B293E8D087E056916D0F74BC01A5F8957D0DE45691E51E8932B69A962B52A0985AD2C0A271EE6A13A8ADDDCD1A3A994B9DED257F4D227539000",
        },
        Exchange {
            command: "008600000C7C0A8508450F02B86F6A090900",
            response: "7C0A860875D4D96E8D5B03089000",
        },
    ];
    let terminal_rng = h("5DD4CBFC96F5453B130D890A1CDBAE32
        A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595");
    let chip_rng = h("2923BE84E16CD6AE529049F1F1BBE9EB
        107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A");
    let (mut term_sm, mut chip_sm, outcome) = run(
        &setup,
        &password,
        &mut chip,
        &terminal_rng,
        &chip_rng,
        &script,
    );
    assert_eq!(outcome.protocol.mapping, Mapping::Im);
    let (enc, mac) = (
        "0D3FEB33251A6370893D62AE8DAAF51B",
        "B01E89E3D9E8719E586B50B4A7506E0B",
    );
    assert_keys(&mut term_sm, CipherAlg::Aes128, enc, mac);
    assert_keys(&mut chip_sm, CipherAlg::Aes128, enc, mac);
}

#[test]
fn h2_dh_integrated_mapping() {
    let mut setup = PaceSetup::standardized(protocol(Mapping::Im, Agreement::Dh), 0).unwrap();
    // The worked example omits tag 84 in MSE:Set AT: keep its published bytes.
    setup.send_parameter_id = false;
    let password = h_password();
    let mut chip = PaceChip::new(vec![setup.clone()], vec![password.clone()]);
    let pk_ifd = "0F0CC62945A8029251FB7EF3C094E12EC68E4EF07F27CB9D9CD04C5C4250FAE0E4F8A951557E929AEB48E5C6DD47F2F5CD7C351A9BD2CD722C07EDE166770F08FFCB370262CF308DD7B07F2E0DA9CAAA1492344C852906919538C98A4BA4187E76CE9D87832386D319CE2E043C3343AEAE6EDBA1A9894DC5094D22F7FE1351D5";
    let pk_ic = "928D9A0F9DBA450F13FC859C6F290D1D36E42431138A4378500BEB4E0401854CFF111F71CB6DC1D0335807A11388CC8EAA87B07907AAD9FBA6B169AF6D8C26AF8DDDC39ADC3AD2E3FF882B84D23E9768E95A80E4746FB07A9767679FE92133B4D379935C771BD7FBED6C7BB4B1708B275EA75679524CDC9C6A91370CC662A2F3";
    let c3 = format!("10860000867C8183838180{pk_ifd}00");
    let r3 = format!("7C8183848180{pk_ic}9000");
    let script = [
        Exchange {
            command: "0022C1A40F800A04007F00070202040302830102",
            response: "9000",
        },
        Exchange {
            command: "10860000027C0000",
            response: "7C1280109ABB8864CA0FF1551E620D1EF4E135109000",
        },
        Exchange {
            command: "10860000147C128110B3A6DB3C870C3E99245E0D1C06B747DE00",
            response: "7C009000",
        },
        Exchange {
            command: &c3,
            response: &r3,
        },
        Exchange {
            command: "008600000C7C0A850855D61977CBF5307E00",
            response: "7C0A8608C2F04230187E15259000",
        },
    ];
    // The appendix's private keys are 1024-bit exponents; ĝ has order q, so the same keys
    // reduced mod q (what a q-bounded key generator draws) give the same public values.
    let terminal_rng =
        h("B3A6DB3C870C3E99245E0D1C06B747DE 89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA");
    let chip_rng = h("FA5B7E3E49753A0DB9178B7B9BD898C8 A5B780126B7C980E9FCEA1D4539DA1D27C342DFA");
    let (mut term_sm, mut chip_sm, _) = run(
        &setup,
        &password,
        &mut chip,
        &terminal_rng,
        &chip_rng,
        &script,
    );
    let (enc, mac) = (
        "01AFC10CF87BE36D8179E87370171F07",
        "23F0FBD05FD6C7B8B88F4C8309669061",
    );
    assert_keys(&mut term_sm, CipherAlg::Aes128, enc, mac);
    assert_keys(&mut chip_sm, CipherAlg::Aes128, enc, mac);
}

/// The ChipAuthenticationPublicKeyInfo of App. I.1 (from EF.CardSecurity), in a SET.
fn i1_ca_key() -> ChipAuthenticationPublicKeyInfo {
    let info = h(
        "30620609 04007F00 07020201 02305230 0C060704 007F0007 01020201 0D034200 04187270
        9494399E 7470A643 1BE25E83 EEE24FEA 568C2ED2 8DB48E05 DB3A610D C884D256 A40E35EF CB59BF67
        53D3A489 D28C7A4D 973C2DA1 38A6E7A4 A08F68E1 6F02010D",
    );
    let mut set = vec![0x31, info.len() as u8];
    set.extend_from_slice(&info);
    let infos = SecurityInfos::parse(&set).unwrap();
    match &infos.infos()[0] {
        SecurityInfo::ChipAuthenticationPublicKey(k) => k.clone(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn i1_chip_authentication_mapping() {
    let mut setup = PaceSetup::standardized(protocol(Mapping::Cam, Agreement::Ecdh), 13).unwrap();
    // The worked example omits tag 84 in MSE:Set AT: keep its published bytes.
    setup.send_parameter_id = false;
    let password = AccessKey::Mrz(MrzKey::new("C11T002JM", "960812", "231031").unwrap());
    assert_eq!(
        pace_key(&password, CipherAlg::Aes128).as_slice(),
        h("4E6F6FBF7BE748B932C7B74161BBA9DF")
    );
    let key = i1_ca_key();
    assert_eq!(key.key_id, Some(13));
    let group = DomainParameters::from_standardized_id(13)
        .unwrap()
        .ec_group()
        .unwrap();
    // The static SK_IC implied by the appendix (SK_Map,IC · CA_IC⁻¹ mod n).
    let static_sk = group
        .private_key_from_bytes(&h(
            "86C88A4579CE48135878E6348A734B5D47CE5BC1E54C0E8978687B49FDE2E2C2",
        ))
        .unwrap();
    assert_eq!(
        group
            .public_from_private(&static_sk)
            .unwrap()
            .to_sec1_uncompressed(),
        key.public_key
    );
    let mut chip =
        PaceChip::new(vec![setup.clone()], vec![password.clone()]).with_cam_key(static_sk);
    let script = [
        Exchange {
            command: "0022C1A40F800A04007F00070202040602830101",
            response: "9000",
        },
        Exchange {
            command: "10860000027C0000",
            response: "7C128010CB60E8E0D85B76A9BD304747C2AD42E29000",
        },
        Exchange {
            command: "10860000457C438141047F1D410ADB7DDB3B84BF1030800981A9105D7457B4A3ADE002384F3086C67EDE1AB889104A27DB6D842B019020FBF3CEACB0DC627F7BDCAC29969E19D0E553C100",
            response: "7C43824104A234236AA9B9621E8EFB73B5245C0E09D2576E5277183C1208BDD55280CAE8B304F365713A356E65A451E165ECC9AC0AC46E3771342C8FE5AEDD092685338E239000",
        },
        Exchange {
            command: "10860000457C43834104446C934084D9DAB863944F219520076C29EE3F7AE6722B11FF319EC1C7728F955483400BFF60BF0C5929270009277DC2A515E12575010AD9BA916CF1BF86FEFC00",
            response: "7C4384410402AD566F3C6EC7F9324509AD50A51FA52030782A4968FCFEDF737DAEA993333111C3B9B4C2287789BD137E7F8AA882E2A3C633CCD6ECC2C63C57AD401A09C2E19000",
        },
        Exchange {
            command: "008600000C7C0A8508E86BD06018A1CD3B00",
            response: "7C3C86088596CF055C67C1A38A301EEA964DAAE372AC990E3EFDE6333353BFC89A6704D93DA8798CF77F5B7A54BD10CBA372B42BE0B9B5F28AA8DE2F4F929000",
        },
    ];
    let terminal_rng = h(
        "5D8BB87BD74D985A4B7D4325B9F7B976FE835122773400798914AA22738135CC
        76ECFDAA9841C323A3F5FC5E88B88DB3EFF7E35EBF57A7E6946CB630006C2120",
    );
    // The appendix's SK_IC (CD62…) exceeds n; a key generator draws it reduced mod n.
    let chip_rng = h("658B860BC94DF6F044FCE6D5C82CF8E5
        9E56A6B59C95D06ECE5CD10F983BB2F4F1943528E577F23881D89D8C3BBEE0AA
        2367171820683879C023083A24FEEC7499C71436B5D85ECD3F681BB9436F47D1");
    let (mut term_sm, mut chip_sm, outcome) = run(
        &setup,
        &password,
        &mut chip,
        &terminal_rng,
        &chip_rng,
        &script,
    );
    let (enc, mac) = (
        "0A9DA4DB03BDDE39FC5202BC44B2E89E",
        "4B1C06491ED5140CA2B537D344C6C0B1",
    );
    assert_keys(&mut term_sm, CipherAlg::Aes128, enc, mac);
    assert_keys(&mut chip_sm, CipherAlg::Aes128, enc, mac);
    let cam = outcome.cam.expect("CAM evidence");
    assert_eq!(
        cam.ca_ic(),
        h("85DC3FA93D0952BFA82F5FD189EE75BD82F11D1F0B8ED4BF5319AC9B53C426B3")
    );
    let pk_map_ic: &EcPoint = cam.pk_map_ic();
    assert_eq!(
        pk_map_ic.x(),
        h("A234236AA9B9621E8EFB73B5245C0E09D2576E5277183C1208BDD55280CAE8B3")
    );
    cam.verify(&key).unwrap();
    // A different static key (the G.1 chip's) does not verify.
    let mut other = key.clone();
    other.public_key = h(
        "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094",
    );
    assert!(cam.verify(&other).is_err());
}
