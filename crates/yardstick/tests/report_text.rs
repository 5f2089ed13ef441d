//! The text renderers (Markdown, JUnit XML, GitHub workflow commands) on the demo catalog,
//! plus their size, escaping and well-formedness guarantees.

use yardstick::report::{github, junit, markdown, FindingRecord, RenderOptions, Report};
use yardstick::{CheckStatus, LintOptions, Location, Severity};

mod common;
use common::repo;

fn demo() -> Report {
    common::demo_report(None)
}

type Writer = fn(&Report, &RenderOptions, &mut dyn std::io::Write) -> std::io::Result<()>;

fn render(write: Writer, report: &Report) -> String {
    let mut out = Vec::new();
    write(report, &RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn finding(rule: &str, severity: Severity, message: &str, file: &str) -> FindingRecord {
    FindingRecord {
        rule: rule.into(),
        severity,
        message: message.into(),
        file: file.into(),
        document: Some(0),
        line: Some(3),
        column: Some(5),
        end_line: Some(3),
        end_column: Some(9),
        entity: Some("component:default/x".into()),
        pointer: Some("/metadata/name".into()),
        help: String::new(),
        url: None,
    }
}

// ---------------------------------------------------------------- snapshots

#[test]
fn markdown_demo() {
    insta::assert_snapshot!(render(markdown::write, &demo()));
}

#[test]
fn junit_demo() {
    insta::assert_snapshot!(render(junit::write, &demo()));
}

#[test]
fn github_demo() {
    insta::assert_snapshot!(render(github::write, &demo()));
}

// ---------------------------------------------------------------- markdown

/// The demo entities, cloned under new names until there are `n`.
fn large(n: usize) -> Report {
    let mut report = demo();
    let base = report.entities.clone();
    report.entities = (0..n)
        .map(|i| {
            let mut e = base[i % base.len()].clone();
            e.reference = format!("{}-copy-{i}", e.reference);
            e
        })
        .collect();
    report.summary.entities = n;
    let more: Vec<FindingRecord> = (0..n)
        .map(|i| {
            let mut f = report.findings[i % report.findings.len()].clone();
            f.message = format!("{} ({i})", f.message);
            f
        })
        .collect();
    report.findings.extend(more);
    report
}

#[test]
fn markdown_stays_under_the_comment_limit_and_keeps_summary_and_gate() {
    assert_eq!(markdown::MAX_CHARS, 65_000);
    let report = large(5_000);
    let text = render(markdown::write, &report);
    let len = text.chars().count();
    assert!(len < markdown::MAX_CHARS, "{len} characters");
    assert!(text.starts_with("<!-- yardstick-report -->\n"));
    assert!(text.contains("## yardstick scorecard: 87.5 / 100"));
    assert!(text.contains("| 87.5 | 5000 | 13 | 1 | 2 | 2 | 4982 |"));
    assert!(text.contains("### ❌ Gate failed"));
    assert!(text.contains("- 3 failing checks at or above the fail-on severity"));
    // Collapsed into <details> blocks, with the cut lists saying how much is left out.
    assert!(text.contains("<details><summary>"));
    assert!(text.contains("more entities_"));
    assert!(text.contains("- … and "));
    assert_eq!(
        text.matches("<details>").count(),
        text.matches("</details>").count()
    );
    // Deterministic.
    assert_eq!(text, render(markdown::write, &report));
}

#[test]
fn markdown_first_drops_entities_without_problems() {
    // Enough rows to overflow the full table, but not the table of problem entities.
    let mut report = demo();
    let base = report.entities.clone();
    let passing = base
        .iter()
        .find(|e| e.reference == "component:default/fleet-manager")
        .unwrap();
    let failing = base
        .iter()
        .find(|e| e.reference == "component:default/route-planner")
        .unwrap();
    report.entities = (0..1_000)
        .map(|i| {
            let mut e = passing.clone();
            e.reference = format!("component:default/passing-{i}");
            e
        })
        .collect();
    report.entities.push(failing.clone());
    let text = render(markdown::write, &report);
    assert!(text.chars().count() < markdown::MAX_CHARS);
    assert!(text.contains("_1000 of 1001 entities are not listed"));
    assert!(!text.contains("passing-0 "));
    assert!(text.contains("| component:default/route-planner | 0.0 | none |"));
    assert!(!text.contains("<details>"));
}

#[test]
fn markdown_escapes_user_text() {
    let mut report = demo();
    report.entities[17].reference = "component:default/a|b<script>alert(1)</script>".into();
    report.findings.insert(
        0,
        finding(
            "schema/x",
            Severity::Error,
            "bad *value* `x` [link](javascript:1) a_b | <img src=x>\nnext line",
            "dir_1/catalog.yaml",
        ),
    );
    let text = render(markdown::write, &report);
    assert!(!text.contains("<script>"));
    assert!(!text.contains("<img"));
    assert!(text.contains(
        "| component:default/a\\|b&lt;script&gt;alert(1)&lt;/script&gt; | 76.5 | none |"
    ));
    assert!(text.contains(
        "- **error** schema/x: bad \\*value\\* \\`x\\` \\[link\\](javascript:1) a\\_b \\| &lt;img src=x&gt; next line — dir\\_1/catalog.yaml:3:5"
    ));
    assert_eq!(
        markdown::escape("a|b<c>&`*_[]\\"),
        "a\\|b&lt;c&gt;&amp;\\`\\*\\_\\[\\]\\\\"
    );
    // No @-mentions from catalog text in a PR comment.
    assert_eq!(
        markdown::escape("owner @acme/platform"),
        "owner &#64;acme/platform"
    );
}

#[test]
fn markdown_symbols_cover_every_status() {
    let all = [
        (CheckStatus::Pass, "✓"),
        (CheckStatus::Fail, "✗"),
        (CheckStatus::Unknown, "?"),
        (CheckStatus::NotApplicable, "–"),
        (CheckStatus::Exempt, "E"),
        (CheckStatus::Error, "!"),
    ];
    for (status, symbol) in all {
        assert_eq!(markdown::symbol(status), symbol);
    }
}

// ---------------------------------------------------------------- junit

/// A small XML well-formedness check: one root, balanced and properly nested tags, quoted
/// attributes without `<` or unescaped `&`, only known entities, no illegal characters.
/// Returns the elements as (name, attributes) in document order.
#[allow(clippy::type_complexity)]
fn parse_xml(xml: &str) -> Result<Vec<(String, Vec<(String, String)>)>, String> {
    fn check_entities(text: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            let end = rest[at..]
                .find(';')
                .ok_or_else(|| format!("unterminated entity in {text:?}"))?;
            let name = &rest[at + 1..at + end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad reference &{n};"))?,
                n if n.starts_with('#') => n[1..]
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad reference &{n};"))?,
                n => return Err(format!("unknown entity &{n};")),
            };
            out.push(c);
            rest = &rest[at + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
    fn legal(c: char) -> bool {
        matches!(
            c,
            '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..
        )
    }
    if let Some(c) = xml.chars().find(|&c| !legal(c)) {
        return Err(format!("illegal character {c:?}"));
    }
    let body = xml
        .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        .ok_or("missing XML declaration")?;
    let mut elements = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if stack.is_empty() && !text.trim().is_empty() {
            return Err(format!("text outside the root: {text:?}"));
        }
        if text.contains('>') {
            return Err(format!("raw > in text {text:?}"));
        }
        check_entities(text)?;
        let gt = rest[lt..].find('>').ok_or("unterminated tag")? + lt;
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .ok_or_else(|| format!("</{name}> without start"))?;
            if open != name {
                return Err(format!("<{open}> closed by </{name}>"));
            }
            continue;
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(t) => (t, true),
            None => (tag, false),
        };
        let name_end = tag.find(|c: char| c.is_whitespace()).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.:".contains(c))
        {
            return Err(format!("bad element name {name:?}"));
        }
        let mut attrs: Vec<(String, String)> = Vec::new();
        let mut a = tag[name_end..].trim_start();
        while !a.is_empty() {
            let eq = a
                .find('=')
                .ok_or_else(|| format!("attribute without value in <{tag}>"))?;
            let key = a[..eq].trim();
            let quoted = &a[eq + 1..];
            let q = quoted.chars().next().filter(|&c| c == '"' || c == '\'');
            let q = q.ok_or_else(|| format!("unquoted attribute {key}"))?;
            let close = quoted[1..].find(q).ok_or("unterminated attribute")? + 1;
            let raw = &quoted[1..close];
            if raw.contains('<') {
                return Err(format!("< in attribute {key}"));
            }
            if attrs.iter().any(|(k, _)| k == key) {
                return Err(format!("duplicate attribute {key}"));
            }
            // Attribute-value normalisation: literal whitespace reads as a space.
            let raw = raw.replace(['\t', '\n', '\r'], " ");
            attrs.push((key.to_string(), check_entities(&raw)?));
            a = quoted[close + 1..].trim_start();
        }
        if stack.is_empty() {
            roots += 1;
        }
        elements.push((name.to_string(), attrs));
        if !empty {
            stack.push(name.to_string());
        }
    }
    if !rest.trim().is_empty() {
        return Err("text after the root".into());
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(elements)
}

fn attr<'a>(element: &'a (String, Vec<(String, String)>), key: &str) -> &'a str {
    element
        .1
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("{} has no {key}", element.0))
}

#[test]
fn the_xml_checker_rejects_malformed_xml() {
    let decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    for bad in [
        "<a><b></a></b>",
        "<a>",
        "<a x=\"1<2\"/>",
        "<a x=1/>",
        "<a>&bogus;</a>",
        "<a>a & b</a>",
        "<a/><b/>",
        "<a>\u{1}</a>",
    ] {
        assert!(parse_xml(&format!("{decl}{bad}")).is_err(), "{bad}");
    }
    assert!(parse_xml(&format!("{decl}<a x=\"&lt;&#10;\"><b/>t&amp;</a>")).is_ok());
}

#[test]
fn junit_is_well_formed_and_counts_match() {
    let mut report = demo();
    // User text full of XML trouble, and statuses the demo lacks.
    let e = &mut report.entities[17];
    e.reference = "component:default/a&b<c>\"d'\u{1}".into();
    e.checks[0].status = CheckStatus::Error;
    e.checks[0].message = "rego: <undefined> & \u{0}\u{1b}[31m 'x' \"y\"\r\nline".into();
    e.checks[1].status = CheckStatus::Unknown;
    e.checks[2].status = CheckStatus::Exempt;
    report.findings.push(finding(
        "schema/x",
        Severity::Note,
        "]]> <![CDATA[ &amp;",
        "a\"b.yaml",
    ));
    let xml = render(junit::write, &report);
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));

    let count = |name: &str| elements.iter().filter(|e| e.0 == name).count();
    let num = |e: &(String, Vec<(String, String)>), k: &str| attr(e, k).parse::<usize>().unwrap();
    let root = &elements[0];
    assert_eq!(root.0, "testsuites");
    assert_eq!(attr(root, "name"), "yardstick");
    let suites: Vec<_> = elements.iter().filter(|e| e.0 == "testsuite").collect();
    assert_eq!(suites.len(), report.entities.len() + 1);
    assert_eq!(attr(suites.last().unwrap(), "name"), "lint");
    assert_eq!(
        attr(suites[17], "name"),
        "component:default/a&b<c>\"d'\\x01",
        "escaped, with the control character visible"
    );

    let checks: usize = report.entities.iter().map(|e| e.checks.len()).sum();
    let with = |s: CheckStatus| {
        report
            .entities
            .iter()
            .flat_map(|e| &e.checks)
            .filter(|r| r.status == s)
            .count()
    };
    let lint_errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(num(root, "tests"), checks + report.findings.len());
    assert_eq!(count("testcase"), checks + report.findings.len());
    assert_eq!(num(root, "failures"), with(CheckStatus::Fail) + lint_errors);
    assert_eq!(count("failure"), num(root, "failures"));
    assert_eq!(num(root, "errors"), 1);
    assert_eq!(count("error"), 1);
    let skipped =
        with(CheckStatus::Unknown) + with(CheckStatus::NotApplicable) + with(CheckStatus::Exempt);
    assert_eq!(num(root, "skipped"), skipped);
    assert_eq!(count("skipped"), skipped);
    for key in ["tests", "failures", "errors", "skipped"] {
        let sum: usize = suites.iter().map(|s| num(s, key)).sum();
        assert_eq!(sum, num(root, key), "{key}");
    }
    let error = elements.iter().find(|e| e.0 == "error").unwrap();
    assert_eq!(
        attr(error, "message"),
        "rego: <undefined> & \\x00\\x1b[31m 'x' \"y\"\\x0d line",
        "controls visible; the line feed, literal in the attribute, reads as a space"
    );
    assert_eq!(attr(error, "type"), "critical");
    let testcase = elements
        .iter()
        .find(|e| e.0 == "testcase" && attr(e, "classname").starts_with("component:default/a&b"))
        .unwrap();
    assert_eq!(attr(testcase, "name"), "ci-passing");
}

// ---------------------------------------------------------------- github

#[test]
fn github_escapes_data_and_properties_like_the_toolkit() {
    assert_eq!(
        github::escape_data("100% a:b,c\r\nd"),
        "100%25 a:b,c%0D%0Ad"
    );
    assert_eq!(
        github::escape_property("100% a:b,c\r\nd"),
        "100%25 a%3Ab%2Cc%0D%0Ad"
    );
    // `%` first, so an escape sequence in the input is not mistaken for one.
    assert_eq!(github::escape_data("%0A"), "%250A");
    assert_eq!(github::escape_property("%3A"), "%253A");

    let mut report = demo();
    report.entities.clear();
    report.findings = vec![
        finding(
            "schema/x",
            Severity::Error,
            "50% done: a,b\r\nnext",
            "dir,1/a:b%.yaml",
        ),
        FindingRecord {
            line: Some(2),
            end_line: Some(4),
            help: "fix it".into(),
            entity: None,
            ..finding("ref/y", Severity::Warning, "w", "f.yaml")
        },
        FindingRecord {
            line: None,
            column: None,
            end_line: None,
            end_column: None,
            entity: None,
            ..finding("catalog/z", Severity::Note, "n", "g.yaml")
        },
    ];
    let text = render(github::write, &report);
    assert_eq!(
        text,
        "::error file=dir%2C1/a%3Ab%25.yaml,line=3,col=5,endLine=3,endColumn=9,title=schema/x (component%3Adefault/x)::50%25 done: a,b%0D%0Anext\n\
         ::warning file=f.yaml,line=2,endLine=4,title=ref/y::w%0AFix: fix it\n\
         ::notice file=g.yaml,title=catalog/z::n\n"
    );
}

#[test]
fn github_annotates_failing_checks_by_severity() {
    let mut report = demo();
    report.findings.clear();
    let e = &mut report.entities[17];
    e.reference = "component:default/a,b".into();
    e.checks[0].message = "line 1\nline 2".into();
    e.checks[0].location = Some(Location {
        file: "x.yaml".into(),
        line: 7,
        column: 3,
        end_line: 7,
        end_column: 10,
    });
    let text = render(github::write, &report);
    let failing = report
        .entities
        .iter()
        .flat_map(|e| &e.checks)
        .filter(|r| r.status == CheckStatus::Fail)
        .count();
    assert_eq!(text.lines().count(), failing);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=x.yaml,line=7,col=3,endLine=7,endColumn=10,title=ci-passing (component%3Adefault/a%2Cb)::line 1%0Aline 2%0AFix: "
        ),
        "{first}"
    );
    assert!(text.lines().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    assert!(
        text.contains("::notice "),
        "low severity checks are notices"
    );
    assert!(
        text.contains("::warning "),
        "medium severity checks are warnings"
    );
}

#[test]
fn markdown_of_a_lint_only_report() {
    let repo = repo();
    let lint = yardstick::lint_paths(
        &[repo.join("fixtures/demo")],
        &LintOptions {
            display_base: Some(repo.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let text = render(markdown::write, &Report::from_lint(&lint));
    assert!(text.starts_with("<!-- yardstick-report -->\n## yardstick lint\n\n**Lint:** 4 errors"));
    assert!(text.contains("### ❌ Gate failed"));
    assert!(!text.contains("### Checks by entity"));
    assert!(text.contains("### Lint findings (4 errors, 2 warnings, 0 notes)"));
}

#[test]
fn markdown_names_check_errors_apart_from_failures() {
    let mut report = demo();
    let failing = |r: &Report| {
        r.entities
            .iter()
            .flat_map(|e| &e.checks)
            .filter(|c| c.status == CheckStatus::Fail)
            .count()
    };
    let failures = failing(&report);
    let text = render(markdown::write, &report);
    assert!(
        text.contains(&format!("### Failing checks ({failures})\n")),
        "{text}"
    );

    // One result that could not be evaluated: counted as an error, shown without fix text.
    let result = report
        .entities
        .iter_mut()
        .flat_map(|e| e.checks.iter_mut())
        .find(|c| c.status == CheckStatus::Fail)
        .expect("the demo has a failing check");
    result.status = CheckStatus::Error;
    result.message = "rego: eval error".into();
    let text = render(markdown::write, &report);
    let heading = format!(
        "### Failing checks ({}) and check errors (1)\n",
        failing(&report)
    );
    assert!(text.contains(&heading), "{text}");
    assert!(text.contains("The check could not be evaluated."), "{text}");
}
