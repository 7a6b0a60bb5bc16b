//! Issuing-state codes: the MRZ uses ICAO 9303-3 three-letter codes ("D" for Germany, "GBR",
//! "UTO" …), certificates use ISO 3166-1 alpha-2. This maps the former to the latter so the
//! DS/CSCA country can be compared with DG1's issuing state.

/// ISO 3166-1 alpha-3 → alpha-2, plus the ICAO-specific codes that have an alpha-2 counterpart
/// and ICAO's fictional specimen state Utopia ("UTO" → "UT", used by test documents and the
/// emulator's test PKI).
const TABLE: &str = "\
ABW AW AFG AF AGO AO AIA AI ALA AX ALB AL AND AD ARE AE ARG AR ARM AM ASM AS ATA AQ ATF TF ATG AG \
AUS AU AUT AT AZE AZ BDI BI BEL BE BEN BJ BES BQ BFA BF BGD BD BGR BG BHR BH BHS BS BIH BA BLM BL \
BLR BY BLZ BZ BMU BM BOL BO BRA BR BRB BB BRN BN BTN BT BVT BV BWA BW CAF CF CAN CA CCK CC CHE CH \
CHL CL CHN CN CIV CI CMR CM COD CD COG CG COK CK COL CO COM KM CPV CV CRI CR CUB CU CUW CW CXR CX \
CYM KY CYP CY CZE CZ DEU DE DJI DJ DMA DM DNK DK DOM DO DZA DZ ECU EC EGY EG ERI ER ESH EH ESP ES \
EST EE ETH ET FIN FI FJI FJ FLK FK FRA FR FRO FO FSM FM GAB GA GBR GB GEO GE GGY GG GHA GH GIB GI \
GIN GN GLP GP GMB GM GNB GW GNQ GQ GRC GR GRD GD GRL GL GTM GT GUF GF GUM GU GUY GY HKG HK HMD HM \
HND HN HRV HR HTI HT HUN HU IDN ID IMN IM IND IN IOT IO IRL IE IRN IR IRQ IQ ISL IS ISR IL ITA IT \
JAM JM JEY JE JOR JO JPN JP KAZ KZ KEN KE KGZ KG KHM KH KIR KI KNA KN KOR KR KWT KW LAO LA LBN LB \
LBR LR LBY LY LCA LC LIE LI LKA LK LSO LS LTU LT LUX LU LVA LV MAC MO MAF MF MAR MA MCO MC MDA MD \
MDG MG MDV MV MEX MX MHL MH MKD MK MLI ML MLT MT MMR MM MNE ME MNG MN MNP MP MOZ MZ MRT MR MSR MS \
MTQ MQ MUS MU MWI MW MYS MY MYT YT NAM NA NCL NC NER NE NFK NF NGA NG NIC NI NIU NU NLD NL NOR NO \
NPL NP NRU NR NZL NZ OMN OM PAK PK PAN PA PCN PN PER PE PHL PH PLW PW PNG PG POL PL PRI PR PRK KP \
PRT PT PRY PY PSE PS PYF PF QAT QA REU RE ROU RO RUS RU RWA RW SAU SA SDN SD SEN SN SGP SG SGS GS \
SHN SH SJM SJ SLB SB SLE SL SLV SV SMR SM SOM SO SPM PM SRB RS SSD SS STP ST SUR SR SVK SK SVN SI \
SWE SE SWZ SZ SXM SX SYC SC SYR SY TCA TC TCD TD TGO TG THA TH TJK TJ TKL TK TKM TM TLS TL TON TO \
TTO TT TUN TN TUR TR TUV TV TWN TW TZA TZ UGA UG UKR UA UMI UM URY UY USA US UZB UZ VAT VA VCT VC \
VEN VE VGB VG VIR VI VNM VN VUT VU WLF WF WSM WS YEM YE ZAF ZA ZMB ZM ZWE ZW \
D DE GBD GB GBN GB GBO GB GBP GB GBS GB RKS XK EUE EU UNO UN UNA UN UNK UN UTO UT";

/// The alpha-2 country for an MRZ issuing-state code (filler `<` ignored) or an alpha-2 code
/// given directly; `None` for codes without a country (e.g. "XXA", stateless).
pub fn alpha2(code: &str) -> Option<String> {
    let code = code.trim_end_matches('<').trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Some(code);
    }
    let mut words = TABLE.split_whitespace();
    while let (Some(a3), Some(a2)) = (words.next(), words.next()) {
        if a3 == code {
            return Some(a2.to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrz_codes_map_to_alpha2() {
        assert_eq!(alpha2("D<<").as_deref(), Some("DE"));
        assert_eq!(alpha2("NLD").as_deref(), Some("NL"));
        assert_eq!(alpha2("IDN").as_deref(), Some("ID"));
        assert_eq!(alpha2("GBN").as_deref(), Some("GB"));
        assert_eq!(alpha2("nz").as_deref(), Some("NZ"));
        assert_eq!(alpha2("UTO").as_deref(), Some("UT"));
        assert_eq!(alpha2("XXA"), None);
        assert_eq!(TABLE.split_whitespace().count() % 2, 0);
    }
}
