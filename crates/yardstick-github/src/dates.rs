//! The dates GitHub sends in headers, as epoch seconds, parsed by `chrono`.

use chrono::DateTime;

/// An HTTP-date in its preferred form, IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), as
/// epoch seconds; `None` for anything else, including a date before 1970 and the obsolete
/// RFC 850 and asctime forms, which GitHub does not send.
///
/// IMF-fixdate is RFC 5322's date-time with the zone `GMT`, so RFC 2822 parsing reads it
/// once the zone is checked (RFC 2822 would also take `+0100`, `EST` and the like).
pub(crate) fn parse_http_date(text: &str) -> Option<u64> {
    let text = text.trim();
    if !text.ends_with(" GMT") {
        return None;
    }
    let at = DateTime::parse_from_rfc2822(text).ok()?;
    u64::try_from(at.timestamp()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_in_imf_fixdate_form() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("  Thu, 01 Jan 1970 00:00:00 GMT "),
            Some(0),
            "surrounding whitespace is trimmed"
        );
        // A leap second reads as the second before the next minute.
        assert_eq!(
            parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
            Some(1_483_228_799)
        );
    }

    #[test]
    fn other_date_forms_are_not_http_dates() {
        for text in [
            // The obsolete RFC 850 and asctime forms.
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            // Zones other than GMT, which RFC 2822 alone would take.
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 06 Nov 1994 08:49:37 EST",
            // Out of range, wrong weekday, before the epoch, not a date.
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:49:37 GMT",
            "Mon, 06 Nov 1994 08:49:37 GMT",
            "Wed, 31 Dec 1969 23:59:59 GMT",
            "",
            "soon GMT",
        ] {
            assert_eq!(parse_http_date(text), None, "{text:?}");
        }
    }
}
