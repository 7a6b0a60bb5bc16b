#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
//! ICAO 9303-11 worked examples reproduced byte for byte: App. G.1/G.2 (Generic Mapping),
//! H.1/H.2 (Integrated Mapping), I.1 (Chip Authentication Mapping).

use tapid_mrtd::crypto::pace_map::{
    cam_chip_data, cam_verify, gm_dh_map, gm_ec_map, im_dh_generator, im_dh_map, im_ec_map,
    im_ec_rp,
};
use tapid_mrtd::crypto::{
    CryptoError, DhGroup, EcGroup, ImCipher, NamedCurve, StandardDhGroup, im_prf,
};

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n', ','], "")).unwrap()
}

fn bp256_both() -> [EcGroup; 2] {
    [
        EcGroup::named(NamedCurve::BrainpoolP256r1).unwrap(),
        EcGroup::named_generic(NamedCurve::BrainpoolP256r1).unwrap(),
    ]
}

#[test]
fn g1_ecdh_generic_mapping() {
    for g in bp256_both() {
        let s = h("3F00C4D39D153F2B2A214A078D899B22");
        let sk_map = g
            .private_key_from_bytes(&h(
                "7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99",
            ))
            .unwrap();
        let pk_map_ic = g
            .decode_point(&h(
                "04 824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57
                30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54",
            ))
            .unwrap();
        let mapped = gm_ec_map(&g, &s, &sk_map, &pk_map_ic).unwrap();
        assert_eq!(
            mapped.generator().x(),
            h("8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2")
        );
        assert_eq!(
            mapped.generator().y(),
            h("8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522")
        );
        let sk_ifd = mapped
            .private_key_from_bytes(&h(
                "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595",
            ))
            .unwrap();
        assert_eq!(
            mapped
                .public_from_private(&sk_ifd)
                .unwrap()
                .to_sec1_uncompressed(),
            h(
                "04 2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C
                3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
            )
        );
        let pk_ic = mapped
            .decode_point(&h(
                "04 9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB
                7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094",
            ))
            .unwrap();
        let k = mapped.ecdh(&sk_ifd, &pk_ic).unwrap();
        assert_eq!(
            k.as_slice(),
            h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
        );
    }
}

const G2_PK_MAP_IC: &str = "78879F57225AA8080D52ED0FC890A4B25336F699AA89A2D3A189654AF70729E623EA5738B26381E4DA19E004706FACE7
    B235C2DBF2F38748312F3C98C2DD4882A41947B324AA1259AC22579DB93F7085655AF30889DBB845D9E6783FE42C9F24
    49400306254C8AE8EE9DD812A804C0B66E8CAFC14F84D8258950A91B44126EE6";

#[test]
fn g2_dh_generic_mapping() {
    let g = DhGroup::standard(StandardDhGroup::Rfc5114Modp1024Q160).unwrap();
    let sk_map = g
        .private_key_from_bytes(&h("5265030F751F4AD18B08AC565FC7AC952E41618D"))
        .unwrap();
    assert_eq!(
        g.public_from_private(&sk_map).unwrap(),
        h("23FB3749EA030D2A25B278D2A562047ADE3F01B74F17A15402CB7352CA7D2B3EB71C343DB13D1DEBCE9A3666DBCFC920
           B49174A602CB47965CAA73DC702489A44D41DB914DE9613DC5E98C94160551C0DF86274B9359BC0490D01B03AD54022D
           CB4F57FAD6322497D7A1E28D46710F461AFE710FBBBC5F8BA166F4311975EC6C")
    );
    let h_shared = g.shared_secret(&sk_map, &h(G2_PK_MAP_IC)).unwrap();
    assert_eq!(
        h_shared.as_slice(),
        h("5BABEBEF5B74E5BA94B5C063FDA15F1F1CDE94873EE0A5D3A2FCAB49F258D07F544F13CB66658C3AFEE9E727389BE3F6
           CBBBD32128A8C21DD6EEA3CF7091CDDFB08B8D007D40318DCCA4FFBF51208790FB4BD111E5A968ED6B6F08B26CA87C41
           0B3CE0C310CE104EABD16629AA48620C1279270CB0750C0D37C57FFFE302AE7F")
    );
    let mapped = gm_dh_map(
        &g,
        &h("FA5B7E3E49753A0DB9178B7B9BD898C8"),
        &sk_map,
        &h(G2_PK_MAP_IC),
    )
    .unwrap();
    assert_eq!(
        mapped.g(),
        h("7C9CBFE98F9FBDDA8D143506FA7D9306F4CB17E3C71707AFF5E1C1A12370249684D64EE37AF44B8DBD9D45BF6023919C
           BAA027AB97ACC771666C8E98FF483301BFA4872DEDE9034EDFACB70814166B7F360676829B826BEA57291B5AD69FBC84
           EF1E779032A305803F74341793E869742D401325B37EE8565FFCDEE618342DC5")
    );
    let sk_ifd = mapped
        .private_key_from_bytes(&h("89CCD99B0E8D3B1F11E1296DCA68EC53411CF2CA"))
        .unwrap();
    assert_eq!(
        mapped.public_from_private(&sk_ifd).unwrap(),
        h("907D89E2D425A178AA81AF4A7774EC8E388C115CAE67031E85EECE520BD911551B9AE4D04369F29A02626C86FBC6747C
           C7BC352645B6161A2A42D44EDA80A08FA8D61B76D3A154AD8A5A51786B0BC07147057871A922212C5F67F43173172236
           B7747D1671E6D692A3C7D40A0C3C5CE397545D015C175EB5130551EDBC2EE5D4")
    );
    let k = mapped
        .shared_secret(
            &sk_ifd,
            &h("075693D9AE941877573E634B6E644F8E60AF17A0076B8B123D9201074D36152BD8B3A213F53820C42ADC79AB5D0AEEC3
                AEFB91394DA476BD97B9B14D0A65C1FC71A0E019CB08AF55E1F729005FBA7E3FA5DC41899238A250767A6D46DB974064
                386CD456743585F8E5D90CC8B4004B1F6D866C79CE0584E49687FF61BC29AEA1"),
        )
        .unwrap();
    assert_eq!(
        k.as_slice(),
        h("6BABC7B3A72BCD7EA385E4C62DB2625BD8613B24149E146A629311C4CA6698E38B834B6A9E9CD7184BA8834AFF5043D4
           36950C4C1E7832367C10CB8C314D40E5990B0DF7013E64B4549E2270923D06F08CFF6BD3E977DDE6ABE4C31D55C0FA2E
           465E553E77BDF75E3193D3834FC26E8EB1EE2FA1E4FC97C18C3F6CFFFE2607FD")
    );
}

#[test]
fn h1_ecdh_integrated_mapping() {
    let s = h("2923BE84E16CD6AE529049F1F1BBE9EB");
    let t = h("5DD4CBFC96F5453B130D890A1CDBAE32");
    let r = im_prf(ImCipher::Aes128, &s, &t, 256).unwrap();
    assert_eq!(
        r.as_slice(),
        h(
            "E4447E2DFB3586BAC05DDB00156B57FBB2179A3949294C97254189800C517BAA8DA0FF397ED8C445D3E421E4FEB57322"
        )
    );
    for g in bp256_both() {
        let rp = im_ec_rp(&g, ImCipher::Aes128, &s, &t).unwrap();
        assert_eq!(
            rp.as_slice(),
            h("A2F8FF2DF50E52C6599F386ADCB595D229F6A167ADE2BE5F2C3296ADD5B7430E")
        );
        let mapped = im_ec_map(&g, ImCipher::Aes128, &s, &t).unwrap();
        assert_eq!(
            mapped.generator().x(),
            h("8E82D31559ED0FDE92A4D0498ADD3C23BABA94FB77691E31E90AEA77FB17D427")
        );
        assert_eq!(
            mapped.generator().y(),
            h("4C1AE14BD0C3DBAC0C871B7F3608169364437CA30AC243A089D3F266C1E60FAD")
        );
        let sk_ifd = mapped
            .private_key_from_bytes(&h(
                "A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595",
            ))
            .unwrap();
        assert_eq!(
            mapped.public_from_private(&sk_ifd).unwrap().x(),
            h("89CBA23FFE96AA18D824627C3E934E54A9FD0B87A95D1471DC1C0ABFDCD640D4")
        );
        let pk_ic = mapped
            .decode_point(&h(
                "04 67F78E5F7F7686082B293E8D087E056916D0F74BC01A5F8957D0DE45691E51E8
                932B69A962B52A0985AD2C0A271EE6A13A8ADDDCD1A3A994B9DED257F4D22753",
            ))
            .unwrap();
        assert_eq!(
            mapped.ecdh(&sk_ifd, &pk_ic).unwrap().as_slice(),
            h("4F150FDE1D4F0E38E95017B891BAE17133A0DF45B0D3E18B60BA7BEAFDC2C713")
        );
    }
}

#[test]
fn h2_dh_integrated_mapping() {
    let g = DhGroup::standard(StandardDhGroup::Rfc5114Modp1024Q160).unwrap();
    let s = h("FA5B7E3E49753A0DB9178B7B9BD898C8");
    let t = h("B3A6DB3C870C3E99245E0D1C06B747DE");
    let r = im_prf(ImCipher::Aes128, &s, &t, 1024).unwrap();
    assert_eq!(
        r.as_slice(),
        h("EAB98D13E09052952AA729907C3C946184DEA0FE74AD2B3AF506F0A83018459C38099CD1F7FF4EA0A078DB1FAC136550
           5E3DC85500EF95E20B4EEF2E88489233BEE0546B472F994B618D168702406791DEEF3CB4810932EC278F3533FDB860EB
           4835C36FA4F1BF3FA0B828A718C96BDE88FBA38A3E6C35AAA10959251EB5FC710FC187258995944C0F926E249373F485")
    );
    let rp = h("A0C7C50C002061A51CC87D254EF38068607417B6EE1B36473CFB800D2D2E5FA2B6980F01105D24FAB22ACD1BFA5C8A4C
        093ECDFAFE6D7125D42A843E338603835CF19AFAFF75EFE21DC5F6AA1F9AE46C25087E7368166FB08C1E4627AFED7D93
        570417B790FF7F747E57F432B04E1236819E0DFEF5B6E77CA4999925328182D2");
    let g_hat = h("1D7D767F11E333BCD6DBAEF40E799E7A926B96973550656FF3C830726D118D61C276CDCC61D475CF
        03A98E0C0E79CAEBA5BE25578BD4551D0B10903236F0B0F976852FA78EEA14EA0ACA87D1E91F688FE0DFF897BBE35A47
        2621D343564B262F34223AE8FC59B664BFEDFA2BFE7516CA5510A6BBB633D517EC25D4E0BBAA16C2");
    assert_eq!(im_dh_generator(&g, &rp).unwrap(), g_hat);
    let mapped = im_dh_map(&g, ImCipher::Aes128, &s, &t).unwrap();
    assert_eq!(mapped.g(), g_hat);
    // The spec's H.2 private keys are 1024-bit exponents (not reduced below q), so they go
    // through the no-q import path of a group built from (p, ĝ) only.
    let no_q = DhGroup::from_params(&g.p(), &g_hat, None).unwrap();
    let sk_ifd = no_q
        .private_key_from_bytes(&h("4BD0E54740F9A028E6A515BFDAF967848C4F5F5FFF65AA0915947FFD1A0DF2FA6981271BC905F3551457B7E03AC3B806
            6DE4AA406C1171FB43DD939C4BA16175103BA3DEE16419AA248118F90CC36A3D6F4C373652E0C3CCE7F0F1D0C5425B36
            00F0F0D6A67F004C8BBA33F2B4733C7252445C1DFC4F1107203F71D2EFB28161"))
        .unwrap();
    assert_eq!(
        no_q.public_from_private(&sk_ifd).unwrap(),
        h("0F0CC62945A8029251FB7EF3C094E12EC68E4EF07F27CB9D9CD04C5C4250FAE0E4F8A951557E929AEB48E5C6DD47F2F5
           CD7C351A9BD2CD722C07EDE166770F08FFCB370262CF308DD7B07F2E0DA9CAAA1492344C852906919538C98A4BA4187E
           76CE9D87832386D319CE2E043C3343AEAE6EDBA1A9894DC5094D22F7FE1351D5")
    );
    let pk_ic = h("928D9A0F9DBA450F13FC859C6F290D1D36E42431138A4378500BEB4E0401854CFF111F71CB6DC1D0335807A11388CC8E
        AA87B07907AAD9FBA6B169AF6D8C26AF8DDDC39ADC3AD2E3FF882B84D23E9768E95A80E4746FB07A9767679FE92133B4
        D379935C771BD7FBED6C7BB4B1708B275EA75679524CDC9C6A91370CC662A2F3");
    // The chip's public value is in the q-subgroup, so the validating group accepts it.
    mapped.validate_public(&pk_ic).unwrap();
    assert_eq!(
        no_q.shared_secret(&sk_ifd, &pk_ic).unwrap().as_slice(),
        h("419410D6C0A17A4C07C54872CE1CBCEB0A2705C1A434C8A89A4CFE41F1D78124CA7EC52BDE7615E5345E48AB1ABB6E7D
           1D59A57F3174084D3CA4570397C1F62228BDFDB2DA191EA2239E2C060DBE3BBC23C2FCD0AF12E0F9E0B99FCF91FF1959
           011D5798B2FCBC1F14FCC24E441F4C8F9B08D977E9498560E63E7FFAB3134EA7")
    );
}

#[test]
fn i1_chip_authentication_mapping() {
    for g in bp256_both() {
        let s = h("658B860BC94DF6F044FCE6D5C82CF8E5");
        let sk_map_ifd = g
            .private_key_from_bytes(&h(
                "5D8BB87BD74D985A4B7D4325B9F7B976FE835122773400798914AA22738135CC",
            ))
            .unwrap();
        let sk_map_ic = g
            .private_key_from_bytes(&h(
                "9E56A6B59C95D06ECE5CD10F983BB2F4F1943528E577F23881D89D8C3BBEE0AA",
            ))
            .unwrap();
        let pk_map_ic = g.public_from_private(&sk_map_ic).unwrap();
        assert_eq!(
            pk_map_ic.to_sec1_uncompressed(),
            h(
                "04 A234236AA9B9621E8EFB73B5245C0E09D2576E5277183C1208BDD55280CAE8B3
                04F365713A356E65A451E165ECC9AC0AC46E3771342C8FE5AEDD092685338E23"
            )
        );
        let mapped = gm_ec_map(&g, &s, &sk_map_ifd, &pk_map_ic).unwrap();
        assert_eq!(
            mapped.generator().x(),
            h("89F0B5EABF3BE293C75903A3986131925C9F5B515CA95AF485DC7E886F03245D")
        );
        let pk_ic = g
            .decode_point(&h(
                "04 1872709494399E7470A6431BE25E83EEE24FEA568C2ED28DB48E05DB3A610DC8
                84D256A40E35EFCB59BF6753D3A489D28C7A4D973C2DA138A6E7A4A08F68E16F",
            ))
            .unwrap();
        let ca_ic = h("85DC3FA93D0952BFA82F5FD189EE75BD82F11D1F0B8ED4BF5319AC9B53C426B3");
        cam_verify(&g, &ca_ic, &pk_ic, &pk_map_ic).unwrap();
        // chip side: the static key implied by the example reproduces CA_IC
        let sk_ic = g
            .private_key_from_bytes(&h(
                "86C88A4579CE48135878E6348A734B5D47CE5BC1E54C0E8978687B49FDE2E2C2",
            ))
            .unwrap();
        assert_eq!(g.public_from_private(&sk_ic).unwrap(), pk_ic);
        assert_eq!(
            cam_chip_data(&g, &sk_map_ic, &sk_ic).unwrap().as_slice(),
            ca_ic
        );
        // a wrong CA_IC fails
        let mut bad = ca_ic.clone();
        bad[31] ^= 1;
        assert_eq!(
            cam_verify(&g, &bad, &pk_ic, &pk_map_ic),
            Err(CryptoError::InvalidSignature)
        );
    }
}

#[test]
fn integrated_mapping_refuses_p224() {
    let g = EcGroup::named(NamedCurve::P224).unwrap();
    assert!(matches!(
        im_ec_map(&g, ImCipher::Aes128, &[0u8; 16], &[1u8; 16]),
        Err(CryptoError::Unsupported(_))
    ));
}
