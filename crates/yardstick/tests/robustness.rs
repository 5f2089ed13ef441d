//! Robustness: hostile or broken input must end in a finding or a clear error, never in a
//! panic, a hang, or memory exhaustion.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use yardstick::{
    parse_stream, validate_entity, Document, Limits, Node, Span, Stream, ValidateOptions, Value,
    YamlErrorKind,
};

/// Runs a hostile parse and prints how long it took. Timings are never asserted (the
/// machines are noisy); a hang shows as a test that does not finish, and the benchmarks
/// measure speed.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    eprintln!("{what}: {:?}", start.elapsed());
    out
}

fn fatal_kind(stream: &Stream) -> Option<YamlErrorKind> {
    stream.fatal.as_ref().map(|e| e.kind)
}

/// Every document of the stream, checked and validated the way the CLI would.
fn exercise(text: &str, stream: &Stream) {
    exercise_sampled(text, stream, 1);
}

/// [`exercise`], resolving only every `stride`-th node pointer.
fn exercise_sampled(text: &str, stream: &Stream, stride: usize) {
    for doc in &stream.documents {
        exercise_document(text, doc, stride);
    }
    if let Some(fatal) = &stream.fatal {
        assert!(!fatal.message.is_empty());
    }
}

fn exercise_document(text: &str, doc: &Document, stride: usize) {
    if let Some(err) = &doc.error {
        assert!(!err.message.is_empty());
    }
    let _ = doc.is_empty();
    let Some(root) = &doc.root else {
        return;
    };
    let _ = root.to_json();
    // With templates on, Template documents reach their kind schema; others are unaffected.
    let templates = ValidateOptions {
        templates: true,
        ..ValidateOptions::default()
    };
    let validation = validate_entity(root, &templates);
    let _ = validation.accepted();
    for problem in &validation.problems {
        let _ = root.pointer(&problem.pointer);
        let _ = root.pointer_with_key(&problem.pointer);
        check_span(text, root.locate(&problem.pointer), &problem.pointer);
    }
    let mut pointers = Vec::new();
    collect_pointers(root, String::new(), &mut pointers);
    for p in pointers.iter().step_by(stride) {
        let node = root.pointer(p);
        assert!(node.is_some(), "pointer {p:?} of an existing node");
        check_span(text, root.locate(p), p);
    }
    for p in [
        "",
        "/",
        "//",
        "/~",
        "/~0",
        "/~1",
        "/~2",
        "/0",
        "/-1",
        "/99999999999999999999999",
        "/metadata/",
        "/metadata/name/x",
        "/spec/0/1",
        "no-slash",
        "/\u{feff}",
    ] {
        let _ = root.pointer(p);
        let _ = root.locate(p);
    }
}

/// A span points into the text it came from, on character boundaries.
fn check_span(text: &str, span: Span, what: &str) {
    let end = span.end();
    assert!(
        end <= text.len() && text.is_char_boundary(span.start()) && text.is_char_boundary(end),
        "span {span:?} of {what:?} is outside or inside a character of a {}-byte text",
        text.len()
    );
}

/// JSON pointers of every node of `node`, capped so a large document stays cheap.
fn collect_pointers(node: &Node, here: String, out: &mut Vec<String>) {
    if out.len() >= 512 {
        return;
    }
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let key = e.key.replace('~', "~0").replace('/', "~1");
                collect_pointers(&e.value, format!("{here}/{key}"), out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_pointers(item, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

// ---------------------------------------------------------------------------------------------
// Alias bombs.

/// `levels` anchors, each a sequence of `fan` aliases to the previous one.
fn alias_bomb(levels: usize, fan: usize) -> String {
    let mut s = String::from("a0: &a0 [");
    s.push_str(&vec!["\"lol\""; fan].join(", "));
    s.push_str("]\n");
    for level in 1..=levels {
        let prev = format!("*a{}", level - 1);
        s.push_str(&format!(
            "a{level}: &a{level} [{}]\n",
            vec![prev.as_str(); fan].join(", ")
        ));
    }
    s
}

#[test]
fn billion_laughs_is_an_alias_limit() {
    let text = alias_bomb(9, 9);
    let stream = timed("billion laughs 9x9", || {
        parse_stream(&text, &Limits::default())
    });
    assert_eq!(fatal_kind(&stream), Some(YamlErrorKind::AliasLimit));
    exercise(&text, &stream);
}

#[test]
fn deeper_alias_bombs_are_alias_limits() {
    for (levels, fan) in [(30, 10), (64, 2), (200, 3)] {
        let text = alias_bomb(levels, fan);
        let stream = timed(&format!("alias bomb {levels}x{fan}"), || {
            parse_stream(&text, &Limits::default())
        });
        assert_eq!(
            fatal_kind(&stream),
            Some(YamlErrorKind::AliasLimit),
            "{levels}x{fan}"
        );
    }
}

#[test]
fn wide_alias_of_a_large_anchor_is_an_alias_limit() {
    // Few aliases, each copying a big subtree: only yardstick's node budget can stop this.
    let mut text = String::from("big: &big\n");
    for i in 0..40_000 {
        text.push_str(&format!("  - {i}\n"));
    }
    text.push_str("copies: [*big, *big, *big]\n");
    let stream = timed("wide alias", || parse_stream(&text, &Limits::default()));
    assert_eq!(fatal_kind(&stream), Some(YamlErrorKind::AliasLimit));
}

#[test]
fn nested_anchors_aliased_many_times_stay_bounded() {
    // Anchors inside anchors, every level aliased a few times: still only a finding.
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!(
            "k{i}: &x{i} {{v: &y{i} [1, 2, &z{i} {{a: b}}]}}\n"
        ));
        text.push_str(&format!("r{i}: [*x{i}, *y{i}, *z{i}]\n"));
    }
    let stream = timed("nested anchors", || parse_stream(&text, &Limits::default()));
    exercise(&text, &stream);
}

// ---------------------------------------------------------------------------------------------
// Deep nesting.

fn assert_depth_error(what: &str, text: &str, limits: &Limits) {
    let stream = timed(what, || parse_stream(text, limits));
    assert!(stream.fatal.is_none(), "{what}: {:?}", stream.fatal);
    let err = stream
        .documents
        .iter()
        .find_map(|d| d.error.as_ref())
        .unwrap_or_else(|| panic!("{what}: no document error"));
    assert!(
        matches!(err.kind, YamlErrorKind::DepthLimit | YamlErrorKind::Syntax),
        "{what}: {err:?}"
    );
    eprintln!(
        "{what}: {:?} at {}:{}",
        err.kind, err.span.line, err.span.column
    );
    exercise(text, &stream);
}

#[test]
fn deep_flow_sequences_are_depth_errors() {
    let n = 10_000;
    let text = format!("{}{}\n", "[".repeat(n), "]".repeat(n));
    assert_depth_error("flow [[[ 10k", &text, &Limits::default());
    // Unterminated, too.
    assert_depth_error("flow [[[ 10k open", &"[".repeat(n), &Limits::default());
}

#[test]
fn deep_flow_mappings_are_depth_errors() {
    let n = 10_000;
    let text = format!("{}x{}\n", "{a: ".repeat(n), "}".repeat(n));
    assert_depth_error("flow {a: 10k", &text, &Limits::default());
    let text = format!("{}1{}\n", "[{a: ".repeat(n / 2), "}]".repeat(n / 2));
    assert_depth_error("flow [{a: 10k", &text, &Limits::default());
}

#[test]
fn deep_block_sequences_are_depth_errors() {
    // Compact nested sequences on one line: `- - - - x`.
    let n = 10_000;
    let text = format!("{}x\n", "- ".repeat(n));
    assert_depth_error("block - - - 10k", &text, &Limits::default());
}

#[test]
fn deep_block_mappings_are_depth_errors() {
    // Block nesting needs one more column per level, so 10,000 levels take ~50 MB even at one
    // space per level; 1,500 levels fit the default 8 MiB file limit.
    let nested = |n: usize| {
        let spaces = " ".repeat(n);
        let mut s = String::with_capacity(n * n / 2 + 4 * n);
        for i in 0..n {
            s.push_str(&spaces[..i]);
            s.push_str("a:\n");
        }
        s
    };
    let text = nested(1_500);
    assert!(text.len() <= Limits::default().max_file_bytes);
    assert_depth_error("block a: 1.5k", &text, &Limits::default());

    // 10,000 levels is larger than the default file limit: refused before parsing.
    let text = nested(10_000);
    let stream = timed("block a: 10k", || parse_stream(&text, &Limits::default()));
    assert_eq!(fatal_kind(&stream), Some(YamlErrorKind::FileTooLarge));
}

#[test]
fn deep_indented_block_sequences_are_depth_errors() {
    // `a:\n- b:\n  - c:\n    - ...`: a mapping and a sequence level per extra two columns.
    let n = 1_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&" ".repeat(2 * i));
        text.push_str("- k:\n");
    }
    assert_depth_error("indented - k: 1k", &text, &Limits::default());
}

#[test]
fn depth_at_the_limit_parses() {
    let limits = Limits::default();
    assert_eq!(limits.max_depth, 256);
    let ok = |text: &str| {
        let stream = parse_stream(text, &limits);
        assert!(stream.fatal.is_none());
        assert_eq!(stream.documents[0].error, None);
        exercise(text, &stream);
    };
    let too_deep = |text: &str| {
        let stream = parse_stream(text, &limits);
        let err = stream.documents[0].error.as_ref().expect("a depth error");
        assert_eq!(err.kind, YamlErrorKind::DepthLimit);
    };
    // Block style: 256 nested mappings (the root counts) parse, 257 do not.
    let block = |n: usize| -> String { (0..n).map(|i| format!("{}a:\n", " ".repeat(i))).collect() };
    ok(&block(255));
    too_deep(&block(257));
    // Flow style: saphyr's own flow-level counter is a u8, so flow nesting stops at 255
    // ("recursion limit exceeded", reported as DepthLimit), one short of max_depth.
    let flow = |n: usize| format!("{}{}\n", "[".repeat(n), "]".repeat(n));
    ok(&flow(255));
    too_deep(&flow(256));
    too_deep(&flow(257));
}

// ---------------------------------------------------------------------------------------------
// Size limits.

/// A path whose size says nothing (a device that never ends) is read up to the limit, not
/// forever: one `yaml/file-too-large` finding.
#[cfg(target_os = "linux")]
#[test]
fn a_device_that_never_ends_is_file_too_large() {
    let report = yardstick::lint_paths(&["/dev/zero".into()], &yardstick::LintOptions::default())
        .expect("lint runs");
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, ["yaml/file-too-large"]);
    assert_eq!(
        report.findings[0].message,
        "file has more than the limit of 8388608 bytes; not read"
    );
}

#[test]
fn hundred_megabytes_is_file_too_large_without_parsing() {
    let text = "a: b\n".repeat(20 * 1024 * 1024); // 100 MiB
    let stream = timed("100 MiB", || parse_stream(&text, &Limits::default()));
    assert_eq!(fatal_kind(&stream), Some(YamlErrorKind::FileTooLarge));
    assert!(stream.documents.is_empty());
}

const ENTITY: &str = "apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc-NNNN
  description: A service with a reasonably long description to pad the document out a bit.
  tags: [java, web, payments]
  annotations:
    github.com/project-slug: acme/svc-NNNN
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: production
  owner: group:team-NNNN
  dependsOn:
    - resource:db-NNNN
    - component:svc-other
";

#[test]
fn three_megabyte_multi_document_file_parses() {
    let mut text = String::with_capacity(3_200_000);
    let mut n = 0;
    while text.len() < 3_000_000 {
        text.push_str("---\n");
        text.push_str(&ENTITY.replace("NNNN", &n.to_string()));
        n += 1;
    }
    // Linear work, but a debug build reads only about 1 MB/s: allow for that.
    let stream = timed("3 MB multi-document", || {
        parse_stream(&text, &Limits::default())
    });
    assert!(stream.fatal.is_none(), "{:?}", stream.fatal);
    assert_eq!(stream.documents.len(), n);
    for doc in &stream.documents {
        assert!(doc.error.is_none(), "{:?}", doc.error);
    }
    // Validate a sample; every one is a valid Component.
    for doc in stream.documents.iter().step_by(97) {
        let v = validate_entity(doc.root.as_ref().unwrap(), &ValidateOptions::default());
        assert!(v.accepted(), "{:?}", v.problems);
    }
    let last = stream.documents.last().unwrap().root.as_ref().unwrap();
    let span = last.locate("/spec/owner");
    assert_eq!(&text[span.range()], "owner");
}

#[test]
fn twenty_thousand_documents_is_a_document_limit() {
    let text = "---\na: 1\n".repeat(20_000);
    let stream = timed("20k documents", || parse_stream(&text, &Limits::default()));
    assert_eq!(fatal_kind(&stream), Some(YamlErrorKind::DocumentLimit));
    assert!(stream.documents.len() <= Limits::default().max_documents);
}

#[test]
fn broken_documents_stop_at_the_document_limit() {
    // Every document is a syntax error: the resume-after-error loop must also stop.
    let text = "---\n]\n".repeat(1_000);
    let limits = Limits {
        max_documents: 500,
        ..Limits::default()
    };
    let stream = timed("1k broken documents", || parse_stream(&text, &limits));
    assert!(stream.documents.len() <= limits.max_documents);
    assert!(stream.documents.iter().all(|d| d.error.is_some()));
    exercise(&text, &stream);
}

#[test]
fn twenty_thousand_broken_documents_stop_at_the_document_limit() {
    // Each resume after a syntax error must not rescan the rest of the file.
    let mut text = "---\n]\n".repeat(20_000);
    text.push_str(&"# padding\n".repeat(500_000));
    assert!(text.len() <= Limits::default().max_file_bytes);
    let stream = timed("20k broken documents + 5 MB of comments", || {
        parse_stream(&text, &Limits::default())
    });
    assert_eq!(stream.documents.len(), Limits::default().max_documents);
    assert!(stream.documents.iter().all(|d| d.error.is_some()));
}

#[test]
fn deep_nesting_around_many_items_is_linear() {
    // Subtree sizes (for the alias budget) must not be recounted at every level.
    let mut text = "[".repeat(255);
    for i in 0..20_000 {
        text.push_str(&format!("{},\n", i % 10));
    }
    text.push_str(&"]".repeat(255));
    let stream = timed("255 levels around 20k items", || {
        parse_stream(&text, &Limits::default())
    });
    assert!(stream.documents[0].error.is_none());
}

// ---------------------------------------------------------------------------------------------
// Inputs well inside the default limits that once took super-linear time or memory (found
// while fuzzing); they must complete.

#[test]
fn long_flow_line_is_not_quadratic() {
    let items: Vec<String> = (0..20_000).map(|i| i.to_string()).collect();
    let text = format!("[{}]\n", items.join(","));
    let stream = timed("one-line flow sequence of 20k items", || {
        parse_stream(&text, &Limits::default())
    });
    assert!(stream.documents[0].error.is_none());
}

#[test]
fn many_keys_in_one_mapping_is_not_quadratic() {
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    let stream = timed("mapping with 20k keys", || {
        parse_stream(&text, &Limits::default())
    });
    assert!(stream.documents[0].error.is_none());
}

#[test]
fn nested_anchors_do_not_copy_per_level() {
    let mut text = String::new();
    for i in 0..200 {
        text.push_str(&format!("&a{i} ["));
    }
    for i in 0..50_000 {
        text.push_str(&format!("{},\n", i % 10));
    }
    text.push_str(&"]".repeat(200));
    let stream = timed("200 nested anchors around 50k items", || {
        parse_stream(&text, &Limits::default())
    });
    assert!(stream.documents[0].error.is_none());
}

// ---------------------------------------------------------------------------------------------
// Mutation smoke test.

/// xorshift64: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"&a ",
    b"*a",
    b"&a [x]",
    b"*a, *a, *a",
    b"---\n",
    b"...\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\t",
    b"\"",
    b"'",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3",
    b"\n",
    b"\r\n",
    b": ",
    b"- ",
    b"? ",
    b"#",
    b"|\n",
    b">-\n",
    b"!!binary ",
    b"!!str ",
    b"!custom ",
    b"!!map ",
    b"%YAML 1.1\n---\n",
    b"%TAG ! tag:x,2000:\n---\n",
    b"<<: *a\n",
    b"${{ parameters.x }}",
    b"$text: ./x.yaml",
    b"$json: x",
    b"$yaml: https://example.com/x",
    b"~",
    b"null",
    b"0x1F",
    b"1e400",
    b".nan",
    b"-.inf",
    b"\\u0000",
    b"\x00",
    b"\xe2\x80\xa8",
    b"\xf0\x9f\x98\x80",
];

fn mutate(data: &mut Vec<u8>, rng: &mut Rng) {
    let len = data.len();
    match rng.below(8) {
        // Flip a bit.
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        // Insert a random byte.
        1 => {
            let i = rng.below(len + 1);
            data.insert(i, rng.next() as u8);
        }
        // Delete a span.
        2 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(16.min(len - i));
            data.drain(i..i + n);
        }
        // Duplicate a span somewhere else.
        3 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below(64.min(len - i));
            let chunk = data[i..i + n].to_vec();
            let at = rng.below(data.len() + 1);
            data.splice(at..at, chunk);
        }
        // Truncate.
        4 if len > 0 => {
            data.truncate(rng.below(len));
        }
        // Insert a YAML-significant token, often at a line start.
        5 | 6 => {
            let token = TOKENS[rng.below(TOKENS.len())];
            let mut at = rng.below(len + 1);
            if rng.below(2) == 0 {
                while at > 0 && data[at - 1] != b'\n' {
                    at -= 1;
                }
            }
            data.splice(at..at, token.iter().copied());
        }
        // Replace a byte with a space or tab (indentation damage).
        _ if len > 0 => {
            let i = rng.below(len);
            data[i] = if rng.below(2) == 0 { b' ' } else { b'\t' };
        }
        _ => data.push(b'\n'),
    }
}

fn corpus_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance/holdout/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn mutated_corpus_never_panics() {
    const MUTANTS_PER_FILE: usize = 50;
    let start = Instant::now();
    let files = corpus_files();
    assert!(!files.is_empty());
    let limits = Limits::default();
    let mut documents = 0usize;
    let mut slowest = (Duration::ZERO, String::new());
    for (f, path) in files.iter().enumerate() {
        let original = std::fs::read(path).unwrap();
        let mut rng =
            Rng(0x9E37_79B9_7F4A_7C15 ^ (f as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        for m in 0..MUTANTS_PER_FILE {
            let mut data = original.clone();
            for _ in 0..1 + rng.below(4) {
                mutate(&mut data, &mut rng);
            }
            let text = String::from_utf8_lossy(&data);
            let t = Instant::now();
            let stream = parse_stream(&text, &limits);
            exercise_sampled(&text, &stream, 5);
            let took = t.elapsed();
            if took > slowest.0 {
                slowest = (took, format!("{} mutant {m}", path.display()));
            }
            documents += stream.documents.len();
        }
    }
    eprintln!(
        "{} files x {MUTANTS_PER_FILE} mutants, {documents} documents in {:?}; slowest {:?} ({})",
        files.len(),
        start.elapsed(),
        slowest.0,
        slowest.1
    );
}
