//! `time.now_ns`: one instant for a whole run, as OPA fixes it for a whole query, so every
//! entity of a run is judged at the same time and a pinned instant (`--now`) makes two runs
//! byte-identical. regorus reads the system clock on each evaluation; an extension named
//! `time.now_ns` takes precedence over the builtin (regorus looks extensions up first).

/// Nanoseconds since the Unix epoch of an RFC 3339 timestamp, as `time.now_ns` returns
/// them (OPA's `time.parse_rfc3339_ns` of the same text).
///
/// ```
/// assert_eq!(yardstick::parse_now("1970-01-01T00:00:01Z"), Ok(1_000_000_000));
/// assert_eq!(yardstick::parse_now("2026-01-02T03:04:05.5+01:00"), Ok(1_767_319_445_500_000_000));
/// assert!(yardstick::parse_now("2026-01-02").is_err());
/// ```
pub fn parse_now(text: &str) -> Result<i64, String> {
    let instant = chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
        format!("`{text}` is not an RFC 3339 timestamp ({e}), e.g. 2026-01-02T03:04:05Z")
    })?;
    instant.timestamp_nanos_opt().ok_or_else(|| {
        format!("`{text}` is outside the years 1678 to 2262 that nanoseconds can count")
    })
}

/// The system clock, in nanoseconds since the Unix epoch (0 before 1970, saturated after
/// 2262).
pub(crate) fn system_now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The UTC date (`YYYY-MM-DD`) of an instant in nanoseconds since the Unix epoch.
///
/// ```
/// assert_eq!(yardstick::utc_date_of(0), "1970-01-01");
/// assert_eq!(yardstick::utc_date_of(-1), "1969-12-31");
/// ```
pub fn utc_date_of(now_ns: i64) -> String {
    let days = now_ns.div_euclid(86_400 * 1_000_000_000);
    let (y, m, d) = crate::util::civil_date::civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Makes `time.now_ns` return `now_ns` in every evaluation of `engine` and its clones.
pub(crate) fn pin_clock(engine: &mut regorus::Engine, now_ns: i64) -> Result<(), String> {
    let now = regorus::Value::from(now_ns);
    engine
        .add_extension(
            "time.now_ns".to_string(),
            0,
            Box::new(move |_: Vec<regorus::Value>| Ok(now.clone())),
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_clock_is_what_time_now_ns_returns() {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy(
                "t.rego".into(),
                "package t\nnow := time.now_ns()\nday := time.date(time.now_ns())\n".into(),
            )
            .unwrap();
        pin_clock(&mut engine, 1_767_319_445_500_000_000).unwrap();
        let mut copy = engine.clone();
        let now = copy.eval_rule("data.t.now".into()).unwrap();
        assert_eq!(now, regorus::Value::from(1_767_319_445_500_000_000_i64));
        let day = engine.eval_rule("data.t.day".into()).unwrap();
        assert_eq!(day, regorus::Value::from(serde_json::json!([2026, 1, 2])));
    }

    #[test]
    fn rfc3339_is_read_as_opa_reads_it() {
        assert_eq!(
            parse_now("2026-01-02T03:04:05Z"),
            Ok(1_767_323_045_000_000_000)
        );
        assert_eq!(parse_now("1969-12-31T23:59:59Z"), Ok(-1_000_000_000));
        for bad in [
            "",
            "2026-01-02",
            "2026-13-02T03:04:05Z",
            "9999-01-01T00:00:00Z",
        ] {
            assert!(parse_now(bad).is_err(), "{bad}");
        }
    }
}
