//! The loader against the config loader's documented behaviour, on files held in memory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

/// Loads `files` (the first ones named are the config files, in order) with `env`.
fn load(
    files: &[(&str, &str)],
    configs: &[&str],
    env: &[(&str, &str)],
) -> Result<AppConfig, AppConfigError> {
    let texts: BTreeMap<PathBuf, String> = files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), (*t).to_string()))
        .collect();
    let read = move |path: &Path| -> std::io::Result<String> {
        texts
            .get(path)
            .cloned()
            .ok_or_else(|| std::io::ErrorKind::NotFound.into())
    };
    let env: BTreeMap<String, String> = env
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    let sources = ConfigSources {
        read: &read,
        env: &env,
    };
    let configs: Vec<PathBuf> = configs.iter().map(PathBuf::from).collect();
    load_app_config(&configs, &sources)
}

fn string(config: &AppConfig, path: &str) -> Option<String> {
    config
        .get(path)
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

#[test]
fn objects_merge_and_arrays_are_replaced() {
    let config = load(
        &[
            (
                "/a/app-config.yaml",
                "app: {title: A, baseUrl: x}\nlist: [1, 2]\ngone: {deep: 1}\n",
            ),
            (
                "/a/app-config.production.yaml",
                "app: {title: B}\nlist: [3]\ngone: null\n",
            ),
        ],
        &["/a/app-config.yaml", "/a/app-config.production.yaml"],
        &[],
    )
    .unwrap();
    assert_eq!(string(&config, "app.title").as_deref(), Some("B"));
    assert_eq!(string(&config, "app.baseUrl").as_deref(), Some("x"));
    assert_eq!(
        config.get("list").and_then(|v| v.as_seq()).map(<[_]>::len),
        Some(1)
    );
    assert!(config.get("gone").is_none());
    assert!(config.get("gone.deep").is_none());
}

#[test]
fn null_hides_only_the_layers_below() {
    let config = load(
        &[
            ("/c/1.yaml", "a: {x: 1}\n"),
            ("/c/2.yaml", "a: null\n"),
            ("/c/3.yaml", "a: {y: 2}\n"),
        ],
        &["/c/1.yaml", "/c/2.yaml", "/c/3.yaml"],
        &[],
    )
    .unwrap();
    assert!(config.get("a.x").is_none());
    assert!(config.get("a.y").is_some());
}

#[test]
fn substitution_follows_the_loader() {
    let text = "a: ${HOST}\nb: ${MISSING}\nc: ${MISSING:-fallback}\nd: $${HOST}\ne: x-${ EMPTY :-fb}-y\nf: ${EMPTY}\ng: '${A{B}'\nh: $$${HOST}\n";
    let config = load(
        &[("/s/app-config.yaml", text)],
        &["/s/app-config.yaml"],
        &[("HOST", "  example.com \n"), ("EMPTY", "")],
    )
    .unwrap();
    assert_eq!(string(&config, "a").as_deref(), Some("example.com"));
    assert!(
        config.get("b").is_none(),
        "an undefined variable drops the key"
    );
    assert_eq!(string(&config, "c").as_deref(), Some("fallback"));
    assert_eq!(string(&config, "d").as_deref(), Some("${HOST}"));
    assert_eq!(string(&config, "e").as_deref(), Some("x-fb-y"));
    assert_eq!(string(&config, "f").as_deref(), Some(""));
    assert_eq!(string(&config, "g").as_deref(), Some("${A{B}"));
    assert_eq!(string(&config, "h").as_deref(), Some("$${HOST}"));
    assert!(config.get("a").is_some_and(|v| v.origin.substituted));
    assert_eq!(
        config.get("a").map(ConfigValue::shown).as_deref(),
        Some("(a substituted value)")
    );
    assert!(!config.get("d").is_some_and(|v| v.origin.substituted));
}

#[test]
fn includes_resolve_relative_to_their_file() {
    let config = load(
        &[
            (
                "/r/app-config.yaml",
                "catalog:\n  $include: ./conf/catalog.yaml#catalog\nsecret:\n  $file: ./conf/secret.txt\ntoken:\n  $env: TOKEN\nnone:\n  $env: NOT_SET\npick:\n  $include: conf/values.json#a.b\n",
            ),
            (
                "/r/conf/catalog.yaml",
                "catalog:\n  locations:\n    - type: file\n      target: ../examples/all.yaml\n  nested:\n    $include: more.yaml\n",
            ),
            ("/r/conf/more.yaml", "deep: ${TOKEN}\n"),
            ("/r/conf/secret.txt", "s3cret\n\n"),
            ("/r/conf/values.json", "{\"a\": {\"b\": \"${TOKEN:-x}\"}}"),
        ],
        &["/r/app-config.yaml"],
        &[("TOKEN", "t")],
    )
    .unwrap();
    let locations = config
        .get("catalog.locations")
        .and_then(|v| v.as_seq())
        .unwrap();
    assert_eq!(
        locations[0].get("target").and_then(|v| v.as_str()),
        Some("../examples/all.yaml")
    );
    let origin = locations[0].get("target").unwrap().origin;
    assert_eq!(config.position(&origin), "/r/conf/catalog.yaml:4:15");
    assert_eq!(string(&config, "catalog.nested.deep").as_deref(), Some("t"));
    assert_eq!(string(&config, "secret").as_deref(), Some("s3cret"));
    assert_eq!(string(&config, "token").as_deref(), Some("t"));
    assert!(config.get("none").is_none());
    assert_eq!(string(&config, "pick").as_deref(), Some("t"));
}

#[test]
fn include_errors_name_the_file_and_position() {
    let adjacent = load(
        &[(
            "/e/app-config.yaml",
            "a:\n  b:\n    $env: X\n    other: 1\n",
        )],
        &["/e/app-config.yaml"],
        &[],
    )
    .unwrap_err();
    assert_eq!(
        adjacent.to_string(),
        "/e/app-config.yaml:3:5: include key $env should not have adjacent keys"
    );
    let parser = load(
        &[("/e/app-config.yaml", "a:\n  $include: x.txt\n")],
        &["/e/app-config.yaml"],
        &[],
    )
    .unwrap_err();
    assert!(parser
        .to_string()
        .contains("no configuration parser available for included file x.txt"));
    let missing = load(&[], &["/e/app-config.yaml"], &[]).unwrap_err();
    assert!(missing
        .to_string()
        .starts_with("/e/app-config.yaml: cannot read the config file"));
    let not_object = load(
        &[
            ("/e/app-config.yaml", "a:\n  $include: v.yaml#x.y\n"),
            ("/e/v.yaml", "x: 1\n"),
        ],
        &["/e/app-config.yaml"],
        &[],
    )
    .unwrap_err();
    assert!(not_object
        .to_string()
        .contains("value at 'x' in included file v.yaml is not an object"));
    let root = load(
        &[("/e/app-config.yaml", "- a\n")],
        &["/e/app-config.yaml"],
        &[],
    )
    .unwrap_err();
    assert_eq!(
        root.to_string(),
        "/e/app-config.yaml:1:1: expected an object at the config root"
    );
}

#[test]
fn environment_overrides_come_last() {
    let config = load(
        &[(
            "/v/app-config.yaml",
            "app: {title: A}\nbackend: {listen: {port: 7007}}\n",
        )],
        &["/v/app-config.yaml"],
        &[
            ("APP_CONFIG_app_title", "B"),
            ("APP_CONFIG_backend_listen_port", "8080"),
            ("APP_CONFIG_catalog_rules", "[{\"allow\": [\"Group\"]}]"),
            ("APP_CONFIG_empty", ""),
        ],
    )
    .unwrap();
    assert_eq!(string(&config, "app.title").as_deref(), Some("B"));
    assert!(
        matches!(config.get("backend.listen.port").map(|v| &v.kind), Some(ConfigKind::Number(n)) if *n == 8080.0)
    );
    assert_eq!(
        config
            .get("catalog.rules")
            .and_then(|v| v.as_seq())
            .map(<[_]>::len),
        Some(1)
    );
    assert!(config.get("empty").is_none());
    let bad = load(
        &[("/v/app-config.yaml", "a: 1\n")],
        &["/v/app-config.yaml"],
        &[("APP_CONFIG_a_", "1")],
    )
    .unwrap_err();
    assert!(
        bad.to_string()
            .starts_with("environment: invalid env config key"),
        "{bad}"
    );
    let null = load(
        &[("/v/app-config.yaml", "a: 1\n")],
        &["/v/app-config.yaml"],
        &[("APP_CONFIG_a", "null")],
    )
    .unwrap_err();
    assert!(null.to_string().contains("may not be null"));
}

#[test]
fn an_empty_file_is_no_layer() {
    let config = load(
        &[("/m/a.yaml", "a: 1\n"), ("/m/b.yaml", "# nothing\n")],
        &["/m/a.yaml", "/m/b.yaml"],
        &[],
    )
    .unwrap();
    assert!(config.get("a").is_some());
}
