//! The HTML scorecard: self-contained (no external loads), escaped, complete, stable.
//!
//! Also writes the demo page for `tests/html/check-in-chromium.sh`: to `$YARDSTICK_DEMO_HTML`
//! when set, else to `<target>/tmp/yardstick-demo.html`.

use std::path::{Path, PathBuf};

use yardstick::report::{html, RenderOptions, Report};
use yardstick::LintOptions;

mod common;
use common::repo;

fn demo_report() -> Report {
    common::demo_report(Some("2025-06-01"))
}

fn render(report: &Report) -> String {
    let mut out = Vec::new();
    html::write(report, &RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Every start tag of the page as (tag name, attributes), skipping the text of `<script>`
/// and `<style>` elements. Attribute values are returned as written (still escaped).
fn tags(page: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .unwrap();
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if let Some(r) = rest.strip_prefix('>') {
                rest = r;
                break;
            }
            let n = rest
                .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>')
                .unwrap();
            let attr = rest[..n].to_ascii_lowercase();
            rest = &rest[n..];
            let value = if let Some(r) = rest.strip_prefix('=') {
                let quote = r.chars().next().unwrap();
                assert!(
                    quote == '"' || quote == '\'',
                    "unquoted {attr}= in <{name}>"
                );
                let end = r[1..].find(quote).unwrap();
                rest = &r[end + 2..];
                r[1..1 + end].to_string()
            } else {
                String::new()
            };
            attrs.push((attr, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}>");
            rest = &rest[rest.find(&close).expect("element closed")..];
        }
        out.push((name, attrs));
    }
    out
}

/// The values of every `name` attribute in the page.
fn attribute_values(page: &str, name: &str) -> Vec<String> {
    tags(page)
        .into_iter()
        .flat_map(|(_, attrs)| attrs)
        .filter(|(a, _)| a == name)
        .map(|(_, v)| v)
        .collect()
}

/// The text of every `<style>` element.
fn styles(page: &str) -> Vec<&str> {
    page.split("<style>")
        .skip(1)
        .map(|s| s.split("</style>").next().unwrap())
        .collect()
}

/// Asserts the page can load nothing from outside itself.
fn assert_self_contained(page: &str) {
    let tags = tags(page);
    let names: Vec<&str> = tags.iter().map(|(name, _)| name.as_str()).collect();
    for tag in [
        "link",
        "img",
        "image",
        "iframe",
        "frame",
        "object",
        "embed",
        "base",
        "form",
        "audio",
        "video",
        "source",
        "track",
        "use",
        "foreignobject",
        "feimage",
    ] {
        assert!(!names.contains(&tag), "page has a <{tag}> element");
    }
    assert_eq!(
        names.iter().filter(|n| **n == "script").count(),
        1,
        "one script: the page's own"
    );
    for (name, attrs) in &tags {
        for (attr, value) in attrs {
            assert!(
                !attr.starts_with("on"),
                "inline event handler {attr} on <{name}>"
            );
            match attr.as_str() {
                "href" | "xlink:href" => assert!(
                    value.starts_with('#'),
                    "link leaves the page: <{name} {attr}={value:?}>"
                ),
                "src" | "srcset" | "action" | "formaction" | "poster" | "data" | "background"
                | "ping" => {
                    panic!("<{name} {attr}={value:?}> would load something")
                }
                "http-equiv" => assert!(
                    value.eq_ignore_ascii_case("content-security-policy"),
                    "meta http-equiv={value}"
                ),
                "style" => assert!(
                    !value.to_ascii_lowercase().contains("url("),
                    "inline style loads: {value}"
                ),
                _ => {}
            }
        }
    }
    for css in styles(page) {
        let css = css.to_ascii_lowercase();
        assert!(!css.contains("url("), "CSS url()");
        assert!(!css.contains("@import"), "CSS @import");
        assert!(!css.contains("@font-face"), "CSS @font-face");
    }
    let lower = page.to_ascii_lowercase();
    assert!(
        !lower.contains("http://") && !lower.contains("https://"),
        "page mentions a URL"
    );
}

#[test]
fn demo_page_is_self_contained_complete_and_stable() {
    let report = demo_report();
    let page = render(&report);

    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
    ));
    // The policy comes before anything it governs.
    assert!(page.find("Content-Security-Policy").unwrap() < page.find("<style>").unwrap());
    assert_self_contained(&page);

    assert!(report.entities.len() >= 20, "the demo has entities");
    for e in &report.entities {
        assert!(
            page.contains(&html::escape(&e.reference)),
            "entity {} missing",
            e.reference
        );
    }
    assert!(report.checks.len() >= 5, "the demo has checks");
    for c in &report.checks {
        assert!(
            page.contains(&format!("id=\"fix-{}\"", c.id)),
            "remediation anchor of {} missing",
            c.id
        );
        assert!(
            page.contains(&html::escape(&c.remediation)),
            "remediation of {} missing",
            c.id
        );
        assert!(
            page.contains(&html::escape(&c.title)),
            "title of {} missing",
            c.id
        );
    }
    // Every failing result is a link to its check's remediation, titled with message and place.
    let mut failing = 0;
    for e in &report.entities {
        for r in e
            .checks
            .iter()
            .filter(|r| r.status == yardstick::CheckStatus::Fail)
        {
            failing += 1;
            let l = r
                .location
                .as_ref()
                .expect("failing demo results have a location");
            let cell = format!(
                "<a href=\"#fix-{}\" title=\"{} \u{2014} {}:{}:{}\">\u{2717} fail</a>",
                r.id,
                html::escape(&r.message),
                html::escape(&l.file),
                l.line,
                l.column
            );
            assert!(
                page.contains(&cell),
                "no remediation link for {} / {}",
                e.reference,
                r.id
            );
        }
    }
    assert!(failing > 0, "the demo has failing checks");
    for f in &report.findings {
        assert!(
            page.contains(&html::escape(&f.message)),
            "finding {} missing",
            f.rule
        );
    }
    for a in report.summary.owners.iter().chain(&report.summary.systems) {
        assert!(page.contains(&html::escape(&a.key)));
    }
    assert!(page.contains("<table class=\"groups sortable\">"));
    assert_eq!(
        page.matches("<script").count(),
        1,
        "one script: the page's own"
    );
    assert!(page.contains("<svg class=\"gauge\"") && page.contains("<svg class=\"donut\""));

    // No timestamps: two renders are byte-identical.
    assert_eq!(page, render(&demo_report()));

    let out = std::env::var_os("YARDSTICK_DEMO_HTML")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("yardstick-demo.html"));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&out, &page).unwrap();

    insta::assert_snapshot!("demo", page);
}

#[test]
fn hostile_text_is_escaped() {
    const XSS: &str = "<script>alert(1)</script>";
    const QUOTES: &str = "\" onmouseover=\"alert(2)\" x='";
    let mut report = demo_report();
    let hostile = format!("component:default/{XSS}{QUOTES}");
    {
        let e = report
            .entities
            .iter_mut()
            .find(|e| {
                e.checks
                    .iter()
                    .any(|r| r.status == yardstick::CheckStatus::Fail)
            })
            .unwrap();
        e.reference = hostile.clone();
        e.owner = Some(format!("group:default/{XSS}").into());
        e.file = format!("{QUOTES}{XSS}.yaml").into();
        for r in &mut e.checks {
            r.message = format!("{XSS}{QUOTES}").into();
            if let Some(l) = &mut r.location {
                l.file = format!("{XSS}{QUOTES}").into();
            }
        }
    }
    report.checks[0].title = XSS.into();
    report.checks[0].remediation = format!("{QUOTES}{XSS}");
    report.checks[0].description = "<img src=x onerror=alert(3)>".into();
    report.checks[0].id = format!("{XSS}{QUOTES}");
    report.summary.owners[0].key = XSS.into();
    report.summary.systems[0].key = QUOTES.into();
    report.summary.gate.reasons.push(XSS.into());
    report.findings[0].message = format!("{XSS}{QUOTES}");
    report.findings[0].entity = Some(hostile.clone());
    report.findings[0].help = QUOTES.into();

    let page = render(&report);
    assert!(!page.contains(XSS), "raw script tag in the page");
    assert!(!page.contains("alert(1)</script>"));
    assert!(!page.contains("<img"));
    assert!(
        !page.contains("onmouseover=\""),
        "an attribute was broken out of"
    );
    assert!(!page.contains("x='"));
    assert_eq!(
        page.matches("<script").count(),
        1,
        "one script: the page's own"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&quot; onmouseover=&quot;alert(2)&quot; x=&#39;"));
    assert!(page.contains(&html::escape(&hostile)));
    // Anchors made from hostile ids hold no markup.
    for id in attribute_values(&page, "id") {
        assert!(
            !id.contains(['<', '>', '"', '\'', '&', ' ']),
            "unsafe id {id:?}"
        );
    }
    assert_self_contained(&page);
}

#[test]
fn escape_function() {
    assert_eq!(
        html::escape("<script>alert(1)</script>"),
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    );
    assert_eq!(
        html::escape(r#"say "hi" & 'bye'"#),
        "say &quot;hi&quot; &amp; &#39;bye&#39;"
    );
    assert_eq!(html::escape(""), "");
    assert_eq!(html::escape("fleet-api ✓"), "fleet-api ✓");
}

#[test]
fn empty_report_renders() {
    let lint = yardstick::lint_paths(&[repo().join("fixtures/demo/org")], &LintOptions::default())
        .unwrap();
    let page = render(&Report::from_lint(&lint));
    assert!(page.contains("No checks ran."));
    assert!(page.contains("Content-Security-Policy"));
    assert!(page.ends_with("</html>\n"));
    assert_self_contained(&page);
}
