//! Exemptions: which are still active today, and which have expired.

use crate::config::Exemption;

use super::model::ExpiredExemption;

pub(super) fn split_exemptions(
    all: &[Exemption],
    today: &str,
) -> (Vec<Exemption>, Vec<ExpiredExemption>) {
    let mut active = Vec::new();
    let mut expired = Vec::new();
    for e in all {
        match &e.expires {
            Some(date) if date.as_str() < today => expired.push(ExpiredExemption {
                entity: e.entity.clone(),
                check: e.check.clone(),
                reason: e.reason.clone(),
                expires: date.clone(),
                line: e.span.line as usize,
            }),
            _ => active.push(e.clone()),
        }
    }
    (active, expired)
}

/// Today's UTC date as `YYYY-MM-DD`.
pub(super) fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (y, m, d) = crate::util::civil_date::civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}
