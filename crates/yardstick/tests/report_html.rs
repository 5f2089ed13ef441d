//! The HTML scorecard: self-contained (no external loads), escaped, complete, stable.
//!
//! Also writes the demo page for `tests/html/check-in-chromium.sh`: to `$YARDSTICK_DEMO_HTML`
//! when set, else to `<target>/tmp/yardstick-demo.html`.

use std::path::{Path, PathBuf};

use yardstick::report::html::lint_page;
use yardstick::report::{html, RenderOptions, Report};
use yardstick::{LintOptions, RULES_DOC_URL};

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

/// Asserts the page can load nothing from outside itself, and links nowhere outside itself.
fn assert_self_contained(page: &str) {
    assert_loads_nothing(page, None);
}

/// Asserts the page can load nothing from outside itself; its links stay inside the page or,
/// with `links_to`, lead to addresses that start with it.
fn assert_loads_nothing(page: &str, links_to: Option<&str>) {
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
                    value.starts_with('#') || links_to.is_some_and(|to| value.starts_with(to)),
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
    let mut lower = page.to_ascii_lowercase();
    if let Some(to) = links_to {
        lower = lower.replace(&format!("href=\"{}", to.to_ascii_lowercase()), "");
    }
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
    report.checks[1].title = "\u{1b}[41mred\u{9b}".into();
    report.summary.owners[1].key = "\u{7f}".into();

    let page = render(&report);
    assert!(
        !page.contains(['\u{1b}', '\u{9b}', '\u{7f}']),
        "raw control character"
    );
    assert!(page.contains("\\x1b[41mred\\u{9b}") && page.contains("\\x7f"));
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

/// The demo catalog's lint findings as a report, and the number of files read.
fn demo_lint_report() -> (Report, usize) {
    let repo = repo();
    let lint = yardstick::lint_paths(
        &[repo.join("fixtures/demo")],
        &LintOptions {
            display_base: Some(repo.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    (Report::from_lint(&lint), lint.files.len())
}

/// The text between `start` and the next `end` after it, for every `start` in `page`.
fn between<'a>(page: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    page.split(start)
        .skip(1)
        .map(|s| s.split(end).next().unwrap())
        .collect()
}

#[test]
fn lint_page_groups_findings_by_file_and_stays_self_contained() {
    let (report, files) = demo_lint_report();
    let page = lint_page::render(&report, files);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(&format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">",
        html::CONTENT_SECURITY_POLICY
    )));
    assert!(page.find("Content-Security-Policy").unwrap() < page.find("<style>").unwrap());
    assert_loads_nothing(&page, Some(RULES_DOC_URL));
    // The same style sheet as the scorecard.
    assert_eq!(styles(&page), styles(&render(&demo_report())));

    assert!(report.findings.len() >= 3, "the demo has lint findings");
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == yardstick::Severity::Error)
        .count();
    assert!(page.contains(&format!("<dt>Errors</dt><dd>{errors}</dd>")));
    assert!(page.contains(&format!("<dt>Files scanned</dt><dd>{files}</dd>")));

    // One article per file with findings, in file name order, each holding exactly its
    // findings, by line, every rule linked to its documentation.
    let mut names: Vec<&str> = report.findings.iter().map(|f| f.file.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let articles = between(&page, "<article class=\"check\"", "</article>");
    assert_eq!(articles.len(), names.len());
    for (article, name) in articles.iter().zip(&names) {
        assert!(article.contains(&format!("<h3><code>{}</code></h3>", html::escape(name))));
        let lines: Vec<usize> = between(article, "<tr><td class=\"num\">", "<")
            .iter()
            .map(|place| place.split(':').next().unwrap().parse().unwrap())
            .collect();
        let mine: Vec<_> = report.findings.iter().filter(|f| f.file == *name).collect();
        assert_eq!(lines.len(), mine.len(), "{name}");
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{name}: {lines:?}");
        for f in mine {
            assert!(article.contains(&html::escape(&f.message)), "{}", f.message);
            let url = f.url.as_deref().expect("built-in rules have docs");
            assert!(article.contains(&format!(
                "<a href=\"{}\" rel=\"noreferrer\"><code>{}</code></a>",
                html::escape(url),
                html::escape(&f.rule)
            )));
        }
    }
    assert_eq!(page, lint_page::render(&report, files), "stable");

    let out = std::env::var_os("YARDSTICK_LINT_HTML")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("yardstick-lint.html"));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(&out, &page).unwrap();

    insta::assert_snapshot!("lint_demo", page);
}

#[test]
fn lint_page_escapes_hostile_text() {
    const HOSTILE: &str = "<script>alert(1)</script>\" onmouseover='x' \u{1b}[41m\u{9b}";
    let (mut report, files) = demo_lint_report();
    for f in &mut report.findings {
        f.message = HOSTILE.into();
        f.help = HOSTILE.into();
        f.entity = Some(HOSTILE.into());
        f.file = format!("{HOSTILE}.yaml");
        f.rule = HOSTILE.into();
    }
    report.findings[0].url = Some("javascript:alert(1)".into());
    let page = lint_page::render(&report, files);
    assert!(!page.contains("alert(1)</script>"));
    assert!(!page.contains("javascript:"));
    assert!(
        !page.contains(['\u{1b}', '\u{9b}']),
        "raw control character"
    );
    assert!(page.contains("\\x1b[41m\\u{9b}"));
    assert!(!page.contains("onmouseover='"));
    assert_eq!(page.matches("<script").count(), 1);
    for id in attribute_values(&page, "id") {
        assert!(
            !id.contains(['<', '>', '"', '\'', '&', ' ']),
            "unsafe id {id:?}"
        );
    }
    assert_loads_nothing(&page, Some(RULES_DOC_URL));
}

#[test]
fn lint_page_without_findings() {
    let lint = yardstick::lint_paths(&[repo().join("fixtures/demo/org")], &LintOptions::default())
        .unwrap();
    assert!(lint.findings.is_empty());
    let page = lint_page::render(&Report::from_lint(&lint), lint.files.len());
    assert!(page.contains("No lint findings."));
    assert!(page.contains("<strong>No errors</strong>"));
    assert!(!page.contains("<article"));
    assert_self_contained(&page);
}
