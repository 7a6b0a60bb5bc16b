//! Platform support policy (reference §8): minimum OS versions for Android and iOS, an advance
//! warning before support ends, feature gates for NFC and the rear camera, and the user-facing
//! texts for each case in Swedish and English.

use std::fmt;

use crate::error::{Error, Result};
use crate::messages::Lang;

/// A mobile operating system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    /// Android.
    Android,
    /// iOS / iPadOS.
    Ios,
}

impl Os {
    fn name(self) -> &'static str {
        match self {
            Self::Android => "Android",
            Self::Ios => "iOS",
        }
    }
}

/// One row of the minimum-OS table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OsPolicy {
    /// The OS.
    pub os: Os,
    /// Lowest supported major version.
    pub minimum_major: u32,
    /// Versions below this get the "support ends soon" warning (the next planned minimum).
    pub warn_below_major: u32,
}

/// The table: Android 9 and iOS 16 (the policy announced for March 2026), with the next raise
/// (Android 10, iOS 17) announced in the app ahead of time.
pub const POLICY: [OsPolicy; 2] = [
    OsPolicy {
        os: Os::Android,
        minimum_major: 9,
        warn_below_major: 10,
    },
    OsPolicy {
        os: Os::Ios,
        minimum_major: 16,
        warn_below_major: 17,
    },
];

/// A dotted OS version (`16.7.7`, `9`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct OsVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl OsVersion {
    /// Parses `major[.minor[.patch]]`.
    pub fn parse(s: &str) -> Result<Self> {
        let mut parts = s.trim().split('.');
        let mut next = |required: bool| -> Result<u32> {
            match parts.next() {
                Some(p)
                    if !p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    p.parse().map_err(|_| Error::OsVersion)
                }
                None if !required => Ok(0),
                _ => Err(Error::OsVersion),
            }
        };
        let v = Self {
            major: next(true)?,
            minor: next(false)?,
            patch: next(false)?,
        };
        if parts.next().is_some() {
            return Err(Error::OsVersion);
        }
        Ok(v)
    }
}

impl fmt::Display for OsVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Whether a device's OS is supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "support")]
pub enum Support {
    /// Supported.
    Supported,
    /// Supported for now; the next minimum is `next_minimum_major`.
    EndingSoon {
        /// The OS.
        os: Os,
        /// The device's major version.
        major: u32,
        /// The version to update to.
        next_minimum_major: u32,
    },
    /// Not supported; the app must not be used on this device.
    Unsupported {
        /// The OS.
        os: Os,
        /// The device's major version.
        major: u32,
        /// The minimum.
        minimum_major: u32,
    },
}

/// Checks a device's OS version against [`POLICY`].
pub fn check_os(os: Os, version: OsVersion) -> Support {
    let Some(p) = POLICY.iter().find(|p| p.os == os) else {
        return Support::Supported;
    };
    if version.major < p.minimum_major {
        Support::Unsupported {
            os,
            major: version.major,
            minimum_major: p.minimum_major,
        }
    } else if version.major < p.warn_below_major {
        Support::EndingSoon {
            os,
            major: version.major,
            next_minimum_major: p.warn_below_major,
        }
    } else {
        Support::Supported
    }
}

impl Support {
    /// The text to show, `None` when supported.
    pub fn message(self, lang: Lang) -> Option<String> {
        let text = match self {
            Self::Supported => return None,
            Self::EndingSoon {
                os,
                major,
                next_minimum_major,
            } => {
                let os = os.name();
                match lang {
                    Lang::Sv => format!(
                        "Stödet för {os} {major} upphör snart. Uppdatera till {os} {next_minimum_major} eller senare för att fortsätta använda appen."
                    ),
                    Lang::En => format!(
                        "Support for {os} {major} ends soon. Update to {os} {next_minimum_major} or later to keep using the app."
                    ),
                }
            }
            Self::Unsupported {
                os,
                major,
                minimum_major,
            } => {
                let os = os.name();
                match lang {
                    Lang::Sv => format!(
                        "Appen fungerar inte på {os} {major}. Den kräver {os} {minimum_major} eller senare. Uppdatera enhetens operativsystem om det går, annars behöver du en nyare enhet."
                    ),
                    Lang::En => format!(
                        "The app does not work on {os} {major}. It needs {os} {minimum_major} or later. Update your device's operating system if you can; otherwise you need a newer device."
                    ),
                }
            }
        };
        Some(text)
    }
}

/// Hardware the features depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// The device has NFC.
    pub nfc_available: bool,
    /// NFC is switched on.
    pub nfc_enabled: bool,
    /// The device has a rear camera.
    pub rear_camera: bool,
}

/// A feature that is unavailable on this device, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Blocked {
    /// No NFC: passports and ID cards cannot be read.
    NoNfc,
    /// NFC is off: ask the user to switch it on.
    NfcOff,
    /// No rear camera: QR codes cannot be scanned.
    NoRearCamera,
}

impl Capabilities {
    /// Whether the passport / ID-card check can run.
    pub fn passport_reading(self) -> std::result::Result<(), Blocked> {
        match (self.nfc_available, self.nfc_enabled) {
            (false, _) => Err(Blocked::NoNfc),
            (true, false) => Err(Blocked::NfcOff),
            (true, true) => Ok(()),
        }
    }

    /// Whether QR codes can be scanned.
    pub fn qr_scanning(self) -> std::result::Result<(), Blocked> {
        if self.rear_camera {
            Ok(())
        } else {
            Err(Blocked::NoRearCamera)
        }
    }
}

impl Blocked {
    /// The text to show.
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::NoNfc, Lang::Sv) => {
                "Din telefon saknar NFC och kan inte läsa av pass eller nationellt id-kort."
            }
            (Self::NoNfc, Lang::En) => {
                "Your phone has no NFC and cannot read passports or national ID cards."
            }
            (Self::NfcOff, Lang::Sv) => {
                "Slå på NFC i telefonens inställningar för att läsa av din ID-handling."
            }
            (Self::NfcOff, Lang::En) => {
                "Turn on NFC in your phone's settings to read your ID document."
            }
            (Self::NoRearCamera, Lang::Sv) => {
                "Din enhet saknar bakre kamera och kan inte läsa av QR-koder."
            }
            (Self::NoRearCamera, Lang::En) => {
                "Your device has no rear camera and cannot scan QR codes."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> OsVersion {
        OsVersion::parse(s).unwrap()
    }

    #[test]
    fn minimum_os_table() {
        assert_eq!(
            check_os(Os::Android, v("8.1.0")),
            Support::Unsupported {
                os: Os::Android,
                major: 8,
                minimum_major: 9
            }
        );
        assert_eq!(
            check_os(Os::Android, v("9")),
            Support::EndingSoon {
                os: Os::Android,
                major: 9,
                next_minimum_major: 10
            }
        );
        assert_eq!(check_os(Os::Android, v("14")), Support::Supported);
        assert_eq!(
            check_os(Os::Ios, v("15.8.3")),
            Support::Unsupported {
                os: Os::Ios,
                major: 15,
                minimum_major: 16
            }
        );
        assert_eq!(
            check_os(Os::Ios, v("16.7.7")),
            Support::EndingSoon {
                os: Os::Ios,
                major: 16,
                next_minimum_major: 17
            }
        );
        assert_eq!(check_os(Os::Ios, v("18.1")), Support::Supported);
    }

    #[test]
    fn messages_in_both_languages() {
        let un = check_os(Os::Ios, v("15.8"));
        assert_eq!(
            un.message(Lang::Sv).unwrap(),
            "Appen fungerar inte på iOS 15. Den kräver iOS 16 eller senare. Uppdatera enhetens operativsystem om det går, annars behöver du en nyare enhet."
        );
        assert_eq!(
            un.message(Lang::En).unwrap(),
            "The app does not work on iOS 15. It needs iOS 16 or later. Update your device's operating system if you can; otherwise you need a newer device."
        );
        let soon = check_os(Os::Android, v("9"));
        assert_eq!(
            soon.message(Lang::En).unwrap(),
            "Support for Android 9 ends soon. Update to Android 10 or later to keep using the app."
        );
        assert!(
            soon.message(Lang::Sv)
                .unwrap()
                .starts_with("Stödet för Android 9 upphör snart.")
        );
        assert_eq!(Support::Supported.message(Lang::Sv), None);
    }

    #[test]
    fn version_parsing() {
        assert_eq!(
            v("16.7.7"),
            OsVersion {
                major: 16,
                minor: 7,
                patch: 7
            }
        );
        assert_eq!(v(" 9 ").to_string(), "9.0.0");
        for bad in ["", "a", "1..2", "1.2.3.4", "-1", "1.2.", "9999999"] {
            assert_eq!(OsVersion::parse(bad), Err(Error::OsVersion), "{bad}");
        }
    }

    #[test]
    fn feature_gates() {
        let full = Capabilities {
            nfc_available: true,
            nfc_enabled: true,
            rear_camera: true,
        };
        assert_eq!(full.passport_reading(), Ok(()));
        assert_eq!(full.qr_scanning(), Ok(()));
        let off = Capabilities {
            nfc_enabled: false,
            ..full
        };
        assert_eq!(off.passport_reading(), Err(Blocked::NfcOff));
        assert!(Blocked::NfcOff.message(Lang::Sv).contains("Slå på NFC"));
        let none = Capabilities::default();
        assert_eq!(none.passport_reading(), Err(Blocked::NoNfc));
        assert_eq!(none.qr_scanning(), Err(Blocked::NoRearCamera));
        assert!(
            Blocked::NoRearCamera
                .message(Lang::En)
                .contains("rear camera")
        );
        assert!(Blocked::NoNfc.message(Lang::En).contains("no NFC"));
    }
}
