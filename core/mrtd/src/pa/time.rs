//! Unix times in reports: the human texts of passive authentication name instants as
//! RFC 3339 UTC timestamps (`2024-01-01T00:00:00Z`); the typed fields stay Unix seconds.
//! The calendar arithmetic here is the crate's only one (the reader's expiry check uses it);
//! ASN.1 times are decoded and encoded by `der`/x509-cert.

/// Formats Unix seconds as an RFC 3339 UTC timestamp.
pub fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The UTC calendar date (year, month 1–12, day 1–31) of Unix seconds, proleptic Gregorian.
/// The one conversion from Unix time to dates: the report's document expiry
/// ([`crate::reader::verdict::civil_date`]) and tapid-identity's dates use it too.
pub fn civil_date(unix: i64) -> (i64, u8, u8) {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    // Month and day are in range by construction.
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// Unix seconds of midnight UTC of a proleptic Gregorian date, or `None` for an invalid date.
pub fn days_to_unix(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (H. Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(1_704_067_200), "2024-01-01T00:00:00Z");
        assert_eq!(format_utc(1_800_000_000), "2027-01-15T08:00:00Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(days_to_unix(2024, 1, 1), Some(1_704_067_200));
        assert_eq!(days_to_unix(2024, 2, 29), Some(1_709_164_800));
        assert_eq!(days_to_unix(2023, 2, 29), None);
        assert_eq!(days_to_unix(2024, 13, 1), None);
        assert_eq!(days_to_unix(1970, 1, 1), Some(0));
        for t in [0, 951_782_400, 1_767_225_600, 4_102_444_800] {
            let s = format_utc(t);
            let (y, m, d) = (
                s[0..4].parse().unwrap(),
                s[5..7].parse().unwrap(),
                s[8..10].parse().unwrap(),
            );
            assert_eq!(days_to_unix(y, m, d), Some(t - t.rem_euclid(86_400)), "{s}");
        }
    }
}
