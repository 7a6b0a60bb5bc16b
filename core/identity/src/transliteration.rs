//! Names in the machine-readable zone: ICAO 9303-3 §6 transliteration of Latin letters with
//! diacritics (Å→AA, Ä→AE, Ö→OE, Ü→UE, ß→SS, Æ→AE, Ø→OE, Þ→TH …), upper case, spaces and hyphens
//! as the filler `<`, other punctuation dropped. Some issuers simply drop diacritics (Ä→A), so an
//! alternative form is produced too.

/// Both MRZ spellings of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrzName {
    /// The ICAO-recommended transliteration.
    pub icao: String,
    /// Diacritics dropped instead (Ä→A, Ö→O, Å→A, Ü→U).
    pub simple: String,
    /// Whether a character could not be transliterated (a non-Latin script) and was dropped.
    pub lossy: bool,
}

/// Transliterates a name (one or more components) into MRZ form, components separated by `<`.
pub fn to_mrz(name: &str) -> MrzName {
    let mut icao = String::with_capacity(name.len() + 4);
    let mut simple = String::with_capacity(name.len() + 4);
    let mut lossy = false;
    for c in name.chars() {
        match map_char(c) {
            Mapped::Same(u) => {
                icao.push(u);
                simple.push(u);
            }
            Mapped::Filler => {
                icao.push('<');
                simple.push('<');
            }
            Mapped::Drop => {}
            Mapped::Translit(i, s) => {
                icao.push_str(i);
                simple.push_str(s);
            }
            Mapped::Unknown => lossy = true,
        }
    }
    MrzName {
        icao: collapse_fillers(&icao),
        simple: collapse_fillers(&simple),
        lossy,
    }
}

/// Normalises an MRZ name field as a reader may deliver it (fillers or spaces, trailing fillers)
/// to components separated by single `<`.
pub fn normalize_mrz_field(field: &str) -> String {
    let upper: String = field
        .chars()
        .map(|c| {
            if c == ' ' {
                '<'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect();
    collapse_fillers(&upper)
}

/// Joins runs of fillers into one and trims fillers at both ends.
fn collapse_fillers(s: &str) -> String {
    s.split('<')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("<")
}

enum Mapped {
    Same(char),
    Filler,
    Drop,
    Translit(&'static str, &'static str),
    Unknown,
}

fn map_char(c: char) -> Mapped {
    if c.is_ascii_alphanumeric() {
        return Mapped::Same(c.to_ascii_uppercase());
    }
    if c == '<' || c == ' ' || c == '-' || c == '\u{2010}' || c == '\u{2011}' || c == '\u{2013}' {
        return Mapped::Filler;
    }
    if c.is_ascii() || matches!(c, '\u{2019}' | '\u{2018}' | '\u{00B4}' | '\u{02BC}') {
        // Apostrophes, full stops, commas and other punctuation are omitted.
        return Mapped::Drop;
    }
    let upper: String = c.to_uppercase().collect();
    let t: (&str, &str) = match upper.as_str() {
        "Å" => ("AA", "A"),
        "Ä" => ("AE", "A"),
        "Ö" => ("OE", "O"),
        "Ü" => ("UE", "U"),
        "Æ" => ("AE", "AE"),
        "Ø" => ("OE", "O"),
        "Œ" => ("OE", "OE"),
        "Þ" => ("TH", "TH"),
        "Ĳ" => ("IJ", "IJ"),
        "SS" | "ẞ" => ("SS", "SS"), // ß upper-cases to "SS"
        "À" | "Á" | "Â" | "Ã" | "Ā" | "Ă" | "Ą" => ("A", "A"),
        "Ç" | "Ć" | "Ĉ" | "Ċ" | "Č" => ("C", "C"),
        "Ð" | "Ď" | "Đ" => ("D", "D"),
        "È" | "É" | "Ê" | "Ë" | "Ē" | "Ĕ" | "Ė" | "Ę" | "Ě" => ("E", "E"),
        "Ĝ" | "Ğ" | "Ġ" | "Ģ" => ("G", "G"),
        "Ĥ" | "Ħ" => ("H", "H"),
        "Ì" | "Í" | "Î" | "Ï" | "Ĩ" | "Ī" | "Ĭ" | "Į" | "İ" | "I" => ("I", "I"),
        "Ĵ" => ("J", "J"),
        "Ķ" => ("K", "K"),
        "Ĺ" | "Ļ" | "Ľ" | "Ŀ" | "Ł" => ("L", "L"),
        "Ñ" | "Ń" | "Ņ" | "Ň" => ("N", "N"),
        "Ò" | "Ó" | "Ô" | "Õ" | "Ō" | "Ŏ" | "Ő" => ("O", "O"),
        "Ŕ" | "Ŗ" | "Ř" => ("R", "R"),
        "Ś" | "Ŝ" | "Ş" | "Š" => ("S", "S"),
        "Ţ" | "Ť" | "Ŧ" => ("T", "T"),
        "Ù" | "Ú" | "Û" | "Ũ" | "Ū" | "Ŭ" | "Ů" | "Ű" | "Ų" => ("U", "U"),
        "Ŵ" => ("W", "W"),
        "Ý" | "Ÿ" | "Ŷ" => ("Y", "Y"),
        "Ź" | "Ż" | "Ž" => ("Z", "Z"),
        _ => return Mapped::Unknown,
    };
    Mapped::Translit(t.0, t.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_and_german_letters() {
        let n = to_mrz("Åsa Ängström-Öberg");
        assert_eq!(n.icao, "AASA<AENGSTROEM<OEBERG");
        assert_eq!(n.simple, "ASA<ANGSTROM<OBERG");
        assert!(!n.lossy);
        assert_eq!(to_mrz("Müller").icao, "MUELLER");
        assert_eq!(to_mrz("Strauß").icao, "STRAUSS");
        assert_eq!(to_mrz("Ærø Þór").icao, "AEROE<THOR");
        assert_eq!(to_mrz("José Łukasz Čapek").icao, "JOSE<LUKASZ<CAPEK");
    }

    #[test]
    fn punctuation_and_fillers() {
        assert_eq!(to_mrz("O'Brien").icao, "OBRIEN");
        assert_eq!(to_mrz("  Anna   Maria ").icao, "ANNA<MARIA");
        assert_eq!(to_mrz("Jean-Luc").icao, "JEAN<LUC");
        assert_eq!(to_mrz("Dr. Sven, Jr").icao, "DR<SVEN<JR");
        let lossy = to_mrz("Иван");
        assert!(lossy.lossy);
        assert_eq!(lossy.icao, "");
    }

    #[test]
    fn normalizes_reader_output() {
        assert_eq!(normalize_mrz_field("ANNA<MARIA<<<<<<"), "ANNA<MARIA");
        assert_eq!(normalize_mrz_field("anna maria"), "ANNA<MARIA");
        assert_eq!(normalize_mrz_field("<<"), "");
    }
}
