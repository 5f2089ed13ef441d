//! Percent-encoding of paths for URLs and URI references (RFC 3986).

/// `path` with every byte outside RFC 3986's unreserved set percent-encoded, except `/`,
/// which separates the segments and is kept.
///
/// ```
/// use yardstick::util::percent::encode_path;
/// assert_eq!(encode_path("docs/a b/ü.md"), "docs/a%20b/%C3%BC.md");
/// ```
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
