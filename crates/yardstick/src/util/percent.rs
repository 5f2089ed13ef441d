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

/// `text` with each `%XX` escape decoded; an escape that is malformed, or bytes that are
/// not UTF-8 once decoded, are kept as written.
///
/// ```
/// use yardstick::util::percent::decode;
/// assert_eq!(decode("a%20b/%C3%BC%zz"), "a b/ü%zz");
/// ```
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|h| bytes[i] == b'%' && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}
