//! Status words SW1-SW2 with their ISO/IEC 7816-4 meanings.

use std::fmt;

/// A status word, the last two bytes of every response APDU.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusWord(pub u16);

/// The broad class a status word falls into (ISO/IEC 7816-4 §5.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// `9000` or `61xx`: processing completed.
    Success,
    /// `62xx`/`63xx`: completed with a warning.
    Warning,
    /// `64xx`–`66xx`: execution error.
    ExecutionError,
    /// `67xx`–`6Fxx`: checking error (the command was refused).
    CheckingError,
    /// Anything else: not an ISO status word.
    Unknown,
}

impl StatusWord {
    /// `9000`: normal processing.
    pub const SUCCESS: Self = Self(0x9000);
    /// `6282`: end of file reached before Ne bytes were read.
    pub const END_OF_FILE: Self = Self(0x6282);
    /// `6300`: authentication failed (no counter).
    pub const AUTHENTICATION_FAILED: Self = Self(0x6300);
    /// `6581`: memory failure.
    pub const MEMORY_FAILURE: Self = Self(0x6581);
    /// `6700`: wrong length.
    pub const WRONG_LENGTH: Self = Self(0x6700);
    /// `6882`: secure messaging not supported.
    pub const SM_NOT_SUPPORTED: Self = Self(0x6882);
    /// `6982`: security status not satisfied.
    pub const SECURITY_STATUS_NOT_SATISFIED: Self = Self(0x6982);
    /// `6983`: authentication method blocked.
    pub const AUTHENTICATION_BLOCKED: Self = Self(0x6983);
    /// `6984`: reference data not usable.
    pub const REFERENCE_DATA_NOT_USABLE: Self = Self(0x6984);
    /// `6985`: conditions of use not satisfied.
    pub const CONDITIONS_NOT_SATISFIED: Self = Self(0x6985);
    /// `6986`: command not allowed (no current EF).
    pub const COMMAND_NOT_ALLOWED: Self = Self(0x6986);
    /// `6987`: expected secure messaging data objects missing.
    pub const SM_OBJECTS_MISSING: Self = Self(0x6987);
    /// `6988`: incorrect secure messaging data objects.
    pub const SM_OBJECTS_INCORRECT: Self = Self(0x6988);
    /// `6A80`: incorrect parameters in the data field.
    pub const WRONG_DATA: Self = Self(0x6A80);
    /// `6A81`: function not supported.
    pub const FUNCTION_NOT_SUPPORTED: Self = Self(0x6A81);
    /// `6A82`: file or application not found.
    pub const FILE_NOT_FOUND: Self = Self(0x6A82);
    /// `6A86`: incorrect parameters P1-P2.
    pub const INCORRECT_P1P2: Self = Self(0x6A86);
    /// `6A87`: Nc inconsistent with P1-P2.
    pub const LC_INCONSISTENT_WITH_P1P2: Self = Self(0x6A87);
    /// `6A88`: referenced data not found.
    pub const REFERENCED_DATA_NOT_FOUND: Self = Self(0x6A88);
    /// `6B00`: wrong parameters P1-P2 (e.g. offset beyond the file).
    pub const WRONG_P1P2: Self = Self(0x6B00);
    /// `6D00`: instruction not supported.
    pub const INS_NOT_SUPPORTED: Self = Self(0x6D00);
    /// `6E00`: class not supported.
    pub const CLA_NOT_SUPPORTED: Self = Self(0x6E00);
    /// `6F00`: no precise diagnosis.
    pub const NO_PRECISE_DIAGNOSIS: Self = Self(0x6F00);

    /// Builds a status word from SW1 and SW2.
    pub fn from_bytes(sw: [u8; 2]) -> Self {
        Self(u16::from_be_bytes(sw))
    }

    /// SW1 and SW2.
    pub fn to_bytes(self) -> [u8; 2] {
        self.0.to_be_bytes()
    }

    /// Four upper-case hex digits (`6982`), for records and machine-readable reports.
    pub fn hex(self) -> String {
        format!("{:04X}", self.0)
    }

    /// SW1.
    pub fn sw1(self) -> u8 {
        (self.0 >> 8) as u8
    }

    /// SW2.
    pub fn sw2(self) -> u8 {
        (self.0 & 0xFF) as u8
    }

    /// `9000` exactly.
    pub fn is_success(self) -> bool {
        self == Self::SUCCESS
    }

    /// `6Cxx`: the exact length the card wants (`00` = 256).
    pub fn correct_le(self) -> Option<usize> {
        (self.sw1() == 0x6C).then(|| {
            if self.sw2() == 0 {
                256
            } else {
                usize::from(self.sw2())
            }
        })
    }

    /// `61xx`: bytes still available with GET RESPONSE.
    pub fn bytes_remaining(self) -> Option<usize> {
        (self.sw1() == 0x61).then(|| {
            if self.sw2() == 0 {
                256
            } else {
                usize::from(self.sw2())
            }
        })
    }

    /// `63Cx`: a verification counter value.
    pub fn retry_counter(self) -> Option<u8> {
        (self.0 & 0xFFF0 == 0x63C0).then_some(self.sw2() & 0x0F)
    }

    /// The class of this status word.
    pub fn class(self) -> StatusClass {
        match self.sw1() {
            0x90 if self.sw2() == 0 => StatusClass::Success,
            0x61 => StatusClass::Success,
            0x62 | 0x63 => StatusClass::Warning,
            0x64..=0x66 => StatusClass::ExecutionError,
            0x67..=0x6F => StatusClass::CheckingError,
            _ => StatusClass::Unknown,
        }
    }

    /// The ISO/IEC 7816-4 meaning in words.
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0x9000 => "success",
            0x6282 => "end of file reached before reading Ne bytes",
            0x6281 => "part of returned data may be corrupted",
            0x6283 => "selected file deactivated",
            0x6300 => "authentication failed",
            0x6581 => "memory failure",
            0x6700 => "wrong length",
            0x6881 => "logical channel not supported",
            0x6882 => "secure messaging not supported",
            0x6981 => "command incompatible with file structure",
            0x6982 => "security status not satisfied",
            0x6983 => "authentication method blocked",
            0x6984 => "reference data not usable",
            0x6985 => "conditions of use not satisfied",
            0x6986 => "command not allowed (no current EF)",
            0x6987 => "expected secure messaging data objects missing",
            0x6988 => "incorrect secure messaging data objects",
            0x6A80 => "incorrect parameters in the command data field",
            0x6A81 => "function not supported",
            0x6A82 => "file or application not found",
            0x6A86 => "incorrect parameters P1-P2",
            0x6A87 => "Nc inconsistent with parameters P1-P2",
            0x6A88 => "referenced data or reference data not found",
            0x6B00 => "wrong parameters P1-P2",
            0x6D00 => "instruction code not supported or invalid",
            0x6E00 => "class not supported",
            0x6F00 => "no precise diagnosis",
            _ if self.sw1() == 0x61 => "more response bytes available",
            _ if self.sw1() == 0x6C => "wrong Le field; SW2 gives the exact length",
            _ if self.retry_counter().is_some() => "verification failed; SW2 gives tries left",
            _ => match self.class() {
                StatusClass::Success => "success",
                StatusClass::Warning => "warning",
                StatusClass::ExecutionError => "execution error",
                StatusClass::CheckingError => "checking error",
                StatusClass::Unknown => "unknown status word",
            },
        }
    }
}

impl fmt::Display for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04X} ({})", self.0, self.meaning())
    }
}

impl fmt::Debug for StatusWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SW({:04X})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meanings_and_classes() {
        assert_eq!(StatusWord::SUCCESS.class(), StatusClass::Success);
        assert_eq!(
            StatusWord(0x6A82).meaning(),
            "file or application not found"
        );
        assert_eq!(StatusWord(0x6C10).correct_le(), Some(16));
        assert_eq!(StatusWord(0x6C00).correct_le(), Some(256));
        assert_eq!(StatusWord(0x6110).bytes_remaining(), Some(16));
        assert_eq!(StatusWord(0x63C2).retry_counter(), Some(2));
        assert_eq!(StatusWord(0x6282).class(), StatusClass::Warning);
        assert_eq!(StatusWord(0x6985).class(), StatusClass::CheckingError);
        assert_eq!(StatusWord(0x1234).class(), StatusClass::Unknown);
        assert_eq!(format!("{}", StatusWord(0x6700)), "6700 (wrong length)");
        assert_eq!(StatusWord::from_bytes([0x90, 0x00]), StatusWord::SUCCESS);
    }
}
