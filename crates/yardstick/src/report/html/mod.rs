//! A self-contained HTML scorecard: one page, inline CSS, inline SVG charts and a little
//! inline JavaScript for sortable tables. The page loads nothing from anywhere (its
//! Content-Security-Policy forbids it), holds no timestamp, and escapes every piece of
//! text that comes from a catalog, a policy or a facts file.
//!
//! The markup is written with [`maud`] templates, which escape every spliced value; text
//! from a catalog, a policy or a facts file is spliced as [`Text`], whose escaping also
//! covers single quotes and makes control characters visible. Only the page's own style
//! sheet and script are spliced unescaped.

use std::fmt::Write as _;
use std::io::{self, Write};

use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

use super::{RenderOptions, Report};
use crate::score::{CheckResult, EntityScore};
use crate::util::escape::{is_unsafe_control, push_visible};

/// The page's Content-Security-Policy: nothing may be loaded from outside the page.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// What stands for a missing score.
const MISSING: &str = "\u{2013}";

/// Escapes text for HTML element content and double- or single-quoted attribute values;
/// control characters take their visible form (see [`crate::util::escape`]).
///
/// ```
/// use yardstick::report::html::escape;
/// assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_unsafe_control(c) => push_visible(out, c),
            c => out.push(c),
        }
    }
}

/// Text from a catalog, a policy, a facts file or a scan, spliced into a template with
/// [`escape`]'s escaping (maud's own leaves single quotes and control characters as they are).
///
/// ```
/// use maud::html;
/// use yardstick::report::html::Text;
/// let cell = html! { td title=(Text("it's \u{1b}[41m")) { "x" } };
/// assert_eq!(cell.into_string(), r#"<td title="it&#39;s \x1b[41m">x</td>"#);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Text<'a>(pub &'a str);

impl Render for Text<'_> {
    fn render_to(&self, buffer: &mut String) {
        push_escaped(buffer, self.0);
    }
}

/// The id of an entity's row, which the remediation lists link to.
pub(super) fn entity_anchor(reference: &str) -> String {
    anchor("e-", reference)
}

/// The id of a check's remediation article, which failing cells and bars link to.
pub(super) fn fix_anchor(check_id: &str) -> String {
    anchor("fix-", check_id)
}

/// An element id made of `prefix` and `key`: ASCII letters, digits, `-` and `_` are kept,
/// every other character becomes `.` and its hex code point (so distinct keys stay distinct).
fn anchor(prefix: &str, key: &str) -> String {
    let mut out = String::from(prefix);
    for c in key.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else {
            let _ = write!(out, ".{:x}", c as u32);
        }
    }
    out
}

mod assets;
mod labels;
pub mod lint_page;
mod overview;
mod sections;
mod tables;

use assets::SCRIPT;
pub use assets::STYLE;
use labels::{level_label, level_legend, BELOW_HEADING};
pub use overview::banner;
use overview::{header, overview};
use sections::{adoption, changes, exemptions, findings, remediation};
use tables::{groups, heatmap};

/// Writes the report as one self-contained HTML page.
pub fn write(report: &Report, _options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}

/// The page as a string.
pub fn render(report: &Report) -> String {
    let sections = html! {
        (overview(report))
        (changes(report))
        (adoption(report))
        (heatmap(report))
        (groups(report))
        (remediation(report))
        (findings(&report.findings))
        (exemptions(report))
    };
    page(
        "Yardstick scorecard",
        header(report),
        sections,
        report.version,
    )
}

/// The frame every page shares: the head with the Content-Security-Policy and the style
/// sheet, the page's header (banner and navigation), its `main`, the footer and the
/// sorting script.
fn page(title: &str, header: Markup, main: Markup, version: u32) -> String {
    let page = html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n"
                meta charset="utf-8"; "\n"
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY); "\n"
                meta name="referrer" content="no-referrer"; "\n"
                meta name="viewport" content="width=device-width, initial-scale=1"; "\n"
                title { (title) } "\n"
                style { (PreEscaped(STYLE)) } "\n"
            } "\n"
            body {
                "\n"
                (header)
                main { "\n" (main) } "\n"
                footer {
                    "Generated by yardstick \u{b7} report format v" (version)
                    ". This page is self-contained and makes no network requests."
                } "\n"
                script { (PreEscaped(SCRIPT)) } "\n"
            } "\n"
        } "\n"
    };
    page.into_string()
}

/// The colour band of a score, as the style sheet's `band-*` classes name it: `good` (80 and
/// up), `fair` (50 and up), `poor`, or `na` without a score.
///
/// ```
/// use yardstick::report::html::score_band;
/// assert_eq!(score_band(Some(80.0)), "good");
/// assert_eq!(score_band(None), "na");
/// ```
pub fn score_band(score: Option<f64>) -> &'static str {
    match score {
        None => "na",
        Some(s) if s >= 80.0 => "good",
        Some(s) if s >= 50.0 => "fair",
        Some(_) => "poor",
    }
}

/// A table header's sort button: its label, and an arrow the style sheet draws.
pub(super) fn sort_button(label: impl Render) -> Markup {
    html! {
        button type="button" { (label) span class="arrow" aria-hidden="true" {} }
    }
}

pub(super) fn location_text(entity: &EntityScore, result: &CheckResult) -> String {
    match &result.location {
        Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
        None => entity.file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(escape(r#"a"b'c&d"#), "a&quot;b&#39;c&amp;d");
        assert_eq!(escape("plain ünïcode"), "plain ünïcode");
    }

    #[test]
    fn text_splices_escape_quotes_and_controls() {
        let markup = html! { p title=(Text("'\u{1b}")) { (Text("<b>\u{9b}")) } };
        assert_eq!(
            markup.into_string(),
            "<p title=\"&#39;\\x1b\">&lt;b&gt;\\u{9b}</p>"
        );
    }

    #[test]
    fn anchors_are_safe_and_distinct() {
        assert_eq!(anchor("fix-", "has-owner"), "fix-has-owner");
        assert_eq!(
            anchor("e-", "component:default/a"),
            "e-component.3adefault.2fa"
        );
        assert_ne!(anchor("e-", "a.2f"), anchor("e-", "a/"));
        assert!(!anchor("e-", "\"><script>").contains(['"', '<', '>']));
    }
}
