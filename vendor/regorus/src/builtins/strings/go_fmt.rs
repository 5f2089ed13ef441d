// Copyright (c) Microsoft Corporation.
// Licensed under the MIT License.

//! Go's `fmt.Sprintf`, which OPA's `sprintf` calls: flags (`+ - # 0` and space), width,
//! precision, `*` and `[n]` argument indexes, every verb Go applies to the four kinds of
//! operand OPA passes (`int64`, `*big.Int`, `float64`, `string`), and Go's error
//! strings (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA ...)`).
//! Floats are correctly rounded from their exact binary value, ties to even, as Go's
//! `strconv` does (`%.1f` of 81.25 is `81.2`).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use num_bigint::{BigInt, Sign};

use super::go_is_print::is_print;

/// An operand as OPA hands it to `fmt.Sprintf`.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum GoArg {
    Int(i64),
    Big(BigInt),
    Float(f64),
    Str(String),
}

impl GoArg {
    /// The name Go's `reflect` gives the operand's type, as in `%!d(string=x)`.
    fn type_name(&self) -> &'static str {
        match self {
            GoArg::Int(_) => "int64",
            GoArg::Big(_) => "*big.Int",
            GoArg::Float(_) => "float64",
            GoArg::Str(_) => "string",
        }
    }
}

// Go's `tooLarge`: widths and precisions beyond a million are refused.
const MAX_NUM: usize = 1_000_000;

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

struct Printer {
    out: String,
    f: Flags,
}

/// Formats `args` with `format` exactly as Go's `fmt.Sprintf(format, args...)`.
pub(super) fn sprintf(format: &str, args: &[GoArg]) -> String {
    let mut p = Printer {
        out: String::with_capacity(format.len()),
        f: Flags::default(),
    };
    let bytes = format.as_bytes();
    let end = bytes.len();
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0usize;
    while i < end {
        let last = i;
        while i < end && bytes[i] != b'%' {
            i += 1;
        }
        p.out.push_str(&format[last..i]);
        if i >= end {
            break;
        }
        i += 1;
        p.f = Flags::default();
        let mut good_arg_num = true;
        while i < end {
            match bytes[i] {
                b'#' => p.f.sharp = true,
                b'0' => p.f.zero = !p.f.minus,
                b'+' => p.f.plus = true,
                b'-' => {
                    p.f.minus = true;
                    p.f.zero = false;
                }
                b' ' => p.f.space = true,
                _ => break,
            }
            i += 1;
        }
        let mut index = arg_number(&mut arg_num, format, i, args.len(), &mut reordered);
        i = index.next;
        good_arg_num &= index.good;
        let mut after_index = index.found;
        if i < end && bytes[i] == b'*' {
            i += 1;
            p.f.wid = int_from_arg(args, &mut arg_num).map(|w| {
                if w < 0 {
                    p.f.minus = true;
                    p.f.zero = false;
                }
                w.unsigned_abs() as usize
            });
            if p.f.wid.is_none() {
                p.out.push_str("%!(BADWIDTH)");
            }
            after_index = false;
        } else {
            let (wid, next) = parse_num(bytes, i, end);
            p.f.wid = wid;
            i = next;
            if after_index && wid.is_some() {
                good_arg_num = false;
            }
        }
        if i + 1 < end && bytes[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            index = arg_number(&mut arg_num, format, i, args.len(), &mut reordered);
            i = index.next;
            good_arg_num &= index.good;
            after_index = index.found;
            if i < end && bytes[i] == b'*' {
                i += 1;
                let prec = int_from_arg(args, &mut arg_num);
                p.f.prec = prec.and_then(|n| usize::try_from(n).ok());
                if p.f.prec.is_none() {
                    p.out.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (prec, next) = parse_num(bytes, i, end);
                p.f.prec = Some(prec.unwrap_or(0));
                i = next;
            }
        }
        if !after_index {
            index = arg_number(&mut arg_num, format, i, args.len(), &mut reordered);
            i = index.next;
            good_arg_num &= index.good;
        }
        let Some(verb) = format[i..].chars().next() else {
            p.out.push_str("%!(NOVERB)");
            break;
        };
        i += verb.len_utf8();
        match verb {
            // Percent takes no operand and ignores width and precision.
            '%' => p.out.push('%'),
            _ if !good_arg_num => p.bad_index_or_missing(verb, "BADINDEX"),
            _ if arg_num >= args.len() => p.bad_index_or_missing(verb, "MISSING"),
            _ => {
                if verb == 'v' {
                    p.f.sharp_v = p.f.sharp;
                    p.f.sharp = false;
                    p.f.plus_v = p.f.plus;
                    p.f.plus = false;
                }
                p.print_arg(&args[arg_num], verb);
                arg_num += 1;
            }
        }
    }
    if !reordered && arg_num < args.len() {
        p.f = Flags::default();
        p.out.push_str("%!(EXTRA ");
        for (n, arg) in args[arg_num..].iter().enumerate() {
            if n > 0 {
                p.out.push_str(", ");
            }
            p.out.push_str(arg.type_name());
            p.out.push('=');
            p.print_arg(arg, 'v');
        }
        p.out.push(')');
    }
    p.out
}

/// Where an argument index `[n]` leaves the parse.
struct ArgIndex {
    next: usize,
    found: bool,
    good: bool,
}

// Go's `argNumber`: an explicit `[n]` (one-based) selects the next operand.
fn arg_number(
    arg_num: &mut usize,
    format: &str,
    i: usize,
    num_args: usize,
    reordered: &mut bool,
) -> ArgIndex {
    let bytes = format.as_bytes();
    if i >= bytes.len() || bytes[i] != b'[' {
        return ArgIndex {
            next: i,
            found: false,
            good: true,
        };
    }
    *reordered = true;
    let rest = &bytes[i..];
    let (index, width, ok) = match rest.iter().position(|&b| b == b']') {
        Some(close) if rest.len() >= 3 => match parse_num(rest, 1, close) {
            (Some(n), next) if next == close => (n.checked_sub(1), close + 1, true),
            _ => (None, close + 1, false),
        },
        _ => (None, 1, false),
    };
    match index {
        Some(index) if ok && index < num_args => {
            *arg_num = index;
            ArgIndex {
                next: i + width,
                found: true,
                good: true,
            }
        }
        _ => ArgIndex {
            next: i + width,
            found: ok,
            good: false,
        },
    }
}

// Go's `parsenum`: decimal digits from `start`, refused when too large.
fn parse_num(bytes: &[u8], start: usize, end: usize) -> (Option<usize>, usize) {
    if start >= end {
        return (None, end);
    }
    let mut num: Option<usize> = None;
    let mut i = start;
    while i < end && bytes[i].is_ascii_digit() {
        let n = num.unwrap_or(0);
        if n > MAX_NUM {
            return (None, end);
        }
        num = Some(n * 10 + usize::from(bytes[i] - b'0'));
        i += 1;
    }
    (num, i)
}

// Go's `intFromArg`: a `*` width or precision taken from an integer operand.
fn int_from_arg(args: &[GoArg], arg_num: &mut usize) -> Option<i64> {
    let arg = args.get(*arg_num)?;
    *arg_num += 1;
    let n = match arg {
        GoArg::Int(n) => Some(*n),
        // A *big.Int is a pointer to Go's reflection, not an integer.
        GoArg::Big(_) | GoArg::Float(_) | GoArg::Str(_) => None,
    }?;
    (n.unsigned_abs() <= MAX_NUM as u64).then_some(n)
}

impl Printer {
    fn bad_index_or_missing(&mut self, verb: char, what: &str) {
        self.out.push_str("%!");
        self.out.push(verb);
        self.out.push('(');
        self.out.push_str(what);
        self.out.push(')');
    }

    fn print_arg(&mut self, arg: &GoArg, verb: char) {
        match verb {
            'T' => return self.fmt_s(arg.type_name()),
            'p' => return self.bad_verb(arg, verb),
            _ => {}
        }
        match arg {
            GoArg::Int(n) => self.print_int(*n, arg, verb),
            GoArg::Big(b) => self.fmt_big(b, verb),
            GoArg::Float(v) => self.print_float(*v, arg, verb),
            GoArg::Str(s) => self.print_string(s, arg, verb),
        }
    }

    // Go's `badVerb`: `%!verb(type=value)`, the value printed with `%v` and the flags.
    fn bad_verb(&mut self, arg: &GoArg, verb: char) {
        self.out.push_str("%!");
        self.out.push(verb);
        self.out.push('(');
        self.out.push_str(arg.type_name());
        self.out.push('=');
        self.print_arg(arg, 'v');
        self.out.push(')');
    }

    fn print_int(&mut self, n: i64, arg: &GoArg, verb: char) {
        let (u, negative) = (n.unsigned_abs(), n < 0);
        match verb {
            'v' | 'd' => self.fmt_integer(u, negative, 10, verb, false),
            'b' => self.fmt_integer(u, negative, 2, verb, false),
            'o' | 'O' => self.fmt_integer(u, negative, 8, verb, false),
            'x' => self.fmt_integer(u, negative, 16, verb, false),
            'X' => self.fmt_integer(u, negative, 16, verb, true),
            'c' => {
                let c = rune_of(n);
                self.pad(&c.to_string());
            }
            'q' => {
                let quoted = quote(&rune_of(n).to_string(), '\'', self.f.plus);
                self.pad(&quoted);
            }
            'U' => self.fmt_unicode(n as u64),
            _ => self.bad_verb(arg, verb),
        }
    }

    fn print_float(&mut self, v: f64, arg: &GoArg, verb: char) {
        match verb {
            'v' => self.fmt_float(v, 'g', None),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb, None),
            'f' | 'e' | 'E' => self.fmt_float(v, verb, Some(6)),
            'F' => self.fmt_float(v, 'f', Some(6)),
            _ => self.bad_verb(arg, verb),
        }
    }

    fn print_string(&mut self, s: &str, arg: &GoArg, verb: char) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, false),
            'X' => self.fmt_sx(s, true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(arg, verb),
        }
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        self.out.extend(core::iter::repeat_n(c, n));
    }

    // Go's `pad`: width counts Unicode code points; `-` pads on the right.
    fn pad(&mut self, s: &str) {
        let width = match self.f.wid {
            Some(w) if w > 0 => w.saturating_sub(s.chars().count()),
            _ => 0,
        };
        if self.f.minus {
            self.out.push_str(s);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.out.push_str(s);
        }
    }

    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        match self.f.prec {
            Some(n) => s.char_indices().nth(n).map_or(s, |(at, _)| &s[..at]),
            None => s,
        }
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            self.pad(&format!("`{s}`"));
        } else {
            let quoted = quote(s, '"', self.f.plus);
            self.pad(&quoted);
        }
    }

    // Go's `fmtSbx`: hexadecimal bytes, `#` for 0x prefixes, space to separate bytes.
    fn fmt_sx(&mut self, s: &str, upper: bool) {
        let digits: &[u8; 16] = if upper { UPPER_HEX } else { LOWER_HEX };
        let bytes = s.as_bytes();
        let length = self.f.prec.map_or(bytes.len(), |p| p.min(bytes.len()));
        let mut width = 2 * length;
        if width == 0 {
            if let Some(w) = self.f.wid {
                self.write_padding(w);
            }
            return;
        }
        if self.f.space {
            if self.f.sharp {
                width *= 2;
            }
            width += length - 1;
        } else if self.f.sharp {
            width += 2;
        }
        let padding = self.f.wid.map_or(0, |w| w.saturating_sub(width));
        if !self.f.minus {
            self.write_padding(padding);
        }
        let prefix = if upper { "0X" } else { "0x" };
        if self.f.sharp {
            self.out.push_str(prefix);
        }
        for (n, &c) in bytes[..length].iter().enumerate() {
            if self.f.space && n > 0 {
                self.out.push(' ');
                if self.f.sharp {
                    self.out.push_str(prefix);
                }
            }
            self.out.push(char::from(digits[usize::from(c >> 4)]));
            self.out.push(char::from(digits[usize::from(c & 0xf)]));
        }
        if self.f.minus {
            self.write_padding(padding);
        }
    }

    // Go's `fmtInteger`: precision is a minimum digit count; `0` pads to the width after
    // the sign; `#` adds the base prefix.
    fn fmt_integer(&mut self, mut u: u64, negative: bool, base: u64, verb: char, upper: bool) {
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if p == 0 && u == 0 {
                let zero = core::mem::replace(&mut self.f.zero, false);
                self.write_padding(self.f.wid.unwrap_or(0));
                self.f.zero = zero;
                return;
            }
        } else if let (true, Some(w)) = (self.f.zero, self.f.wid) {
            prec = w;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let digits: &[u8; 16] = if upper { UPPER_HEX } else { LOWER_HEX };
        let mut buf: Vec<u8> = Vec::new();
        loop {
            buf.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while buf.len() < prec {
            buf.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => buf.extend_from_slice(b"b0"),
                8 if buf.last() != Some(&b'0') => buf.push(b'0'),
                16 => buf.extend_from_slice(if upper { b"X0" } else { b"x0" }),
                _ => {}
            }
        }
        if verb == 'O' {
            buf.extend_from_slice(b"o0");
        }
        if negative {
            buf.push(b'-');
        } else if self.f.plus {
            buf.push(b'+');
        } else if self.f.space {
            buf.push(b' ');
        }
        buf.reverse();
        let text: String = buf.into_iter().map(char::from).collect();
        let zero = core::mem::replace(&mut self.f.zero, false);
        self.pad(&text);
        self.f.zero = zero;
    }

    // Go's `fmtUnicode`: `U+0041`, and with `#` the character itself when printable.
    fn fmt_unicode(&mut self, u: u64) {
        let prec = self.f.prec.map_or(4, |p| p.max(4));
        let mut text = format!("U+{u:0prec$X}");
        if self.f.sharp {
            if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
                if is_print(c) {
                    text.push_str(" '");
                    text.push(c);
                    text.push('\'');
                }
            }
        }
        let zero = core::mem::replace(&mut self.f.zero, false);
        self.pad(&text);
        self.f.zero = zero;
    }

    // math/big's `(*Int).Format`.
    fn fmt_big(&mut self, x: &BigInt, verb: char) {
        let base = match verb {
            'b' => 2,
            'o' | 'O' => 8,
            'd' | 's' | 'v' => 10,
            'x' | 'X' => 16,
            _ => {
                self.out.push_str(&format!("%!{verb}(big.Int={x})"));
                return;
            }
        };
        let plus = self.f.plus || self.f.plus_v;
        let sharp = self.f.sharp || self.f.sharp_v;
        let sign = match () {
            _ if x.sign() == Sign::Minus => "-",
            _ if plus => "+",
            _ if self.f.space => " ",
            _ => "",
        };
        let mut prefix = match verb {
            'b' if sharp => "0b",
            'o' if sharp => "0",
            'x' if sharp => "0x",
            'X' if sharp => "0X",
            _ => "",
        };
        if verb == 'O' {
            prefix = "0o";
        }
        let mut digits = x.magnitude().to_str_radix(base);
        if verb == 'X' {
            digits.make_ascii_uppercase();
        }
        let mut zeros = 0;
        if let Some(p) = self.f.prec {
            if digits.len() < p {
                zeros = p - digits.len();
            } else if digits == "0" && p == 0 {
                return;
            }
        }
        let length = sign.len() + prefix.len() + zeros + digits.len();
        let (mut left, mut right) = (0, 0);
        if let Some(w) = self.f.wid.filter(|&w| length < w) {
            let d = w - length;
            if self.f.minus {
                right = d;
            } else if self.f.zero && self.f.prec.is_none() {
                zeros = d;
            } else {
                left = d;
            }
        }
        self.out.extend(core::iter::repeat_n(' ', left));
        self.out.push_str(sign);
        self.out.push_str(prefix);
        self.out.extend(core::iter::repeat_n('0', zeros));
        self.out.push_str(&digits);
        self.out.extend(core::iter::repeat_n(' ', right));
    }

    // Go's `(*fmt).fmtFloat`: sign, `#`, and zero padding after the sign.
    fn fmt_float(&mut self, v: f64, verb: char, default_prec: Option<usize>) {
        let prec = self.f.prec.or(default_prec);
        let mut num = format_float(v, verb, prec);
        if !num.starts_with(['-', '+']) {
            num.insert(0, '+');
        }
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        if v.is_infinite() || v.is_nan() {
            let zero = core::mem::replace(&mut self.f.zero, false);
            if v.is_nan() && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = zero;
            return;
        }
        if self.f.sharp && verb != 'b' {
            num = sharp_float(num, verb, prec);
        }
        if self.f.plus || !num.starts_with('+') {
            match self.f.wid {
                Some(w) if self.f.zero && !self.f.minus && w > num.len() => {
                    self.out.push_str(&num[..1]);
                    self.write_padding(w - num.len());
                    self.out.push_str(&num[1..]);
                }
                _ => self.pad(&num),
            }
            return;
        }
        self.pad(&num[1..]);
    }
}

// `#` on a float: always a decimal point, and for %g the trailing zeros kept.
fn sharp_float(num: String, verb: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match verb {
        'v' | 'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
        _ => 0,
    };
    let tail_marks: &[char] = if matches!(verb, 'x' | 'X') {
        &['p', 'P']
    } else {
        &['e', 'E', 'p', 'P']
    };
    let (mut body, tail) = match num[1..].find(tail_marks) {
        Some(at) => {
            let (b, t) = num.split_at(at + 1);
            (b.to_string(), t.to_string())
        }
        None => (num.clone(), String::new()),
    };
    let mut has_point = false;
    let mut saw_nonzero = false;
    for c in body[1..].chars() {
        if c == '.' {
            has_point = true;
            continue;
        }
        if c != '0' {
            saw_nonzero = true;
        }
        if saw_nonzero {
            digits -= 1;
        }
    }
    if !has_point {
        if body.len() == 2 && body.ends_with('0') {
            digits -= 1;
        }
        body.push('.');
    }
    while digits > 0 {
        body.push('0');
        digits -= 1;
    }
    body + &tail
}

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

// A Go rune from an integer: out of range or a surrogate is U+FFFD, as Go encodes it.
fn rune_of(n: i64) -> char {
    u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{FFFD}')
}

// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| {
        if c.len_utf8() > 1 {
            return c != '\u{FEFF}';
        }
        !((c < ' ' && c != '\t') || c == '`' || c == '\u{7F}')
    })
}

/// Go's `strconv.Quote` (`"`) and `QuoteRune` (`'`); `ascii_only` as `QuoteToASCII`.
pub(super) fn quote(s: &str, delimiter: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(delimiter);
    for c in s.chars() {
        if c == delimiter || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        let printable = is_print(c);
        if printable && (!ascii_only || c.is_ascii()) {
            out.push(c);
            continue;
        }
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(delimiter);
    out
}

/// Decimal digits of a finite, non-negative float without trailing zeros, and the position
/// of the decimal point (Go's `decimalSlice`): 81.25 is `8125` with the point at 2.
struct Digits {
    d: Vec<u8>,
    dp: i64,
}

impl Digits {
    // `sig` significant digits correctly rounded (ties to even), or the shortest digits
    // that read back as `v` when `None`.
    fn of(v: f64, sig: Option<usize>) -> Digits {
        let text = match sig {
            Some(n) => format!("{:.*e}", n.saturating_sub(1), v),
            None => format!("{v:e}"),
        };
        let (mantissa, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let mut d: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while d.last() == Some(&b'0') {
            d.pop();
        }
        let dp = if d.is_empty() { 0 } else { exp + 1 };
        Digits { d, dp }
    }

    fn nd(&self) -> i64 {
        self.d.len() as i64
    }

    // Go's `fmtE`: d.ddde±dd.
    fn fmt_e(&self, out: &mut String, prec: i64, e: char) {
        out.push(self.d.first().map_or('0', |&c| char::from(c)));
        if prec > 0 {
            out.push('.');
            for i in 1..=prec {
                out.push(self.d.get(i as usize).map_or('0', |&c| char::from(c)));
            }
        }
        out.push(e);
        let exp = if self.d.is_empty() { 0 } else { self.dp - 1 };
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    }

    // Go's `fmtF`: ddd.ddd.
    fn fmt_f(&self, out: &mut String, prec: i64) {
        if self.dp > 0 {
            for i in 0..self.dp {
                out.push(self.d.get(i as usize).map_or('0', |&c| char::from(c)));
            }
        } else {
            out.push('0');
        }
        if prec > 0 {
            out.push('.');
            for i in 0..prec {
                let j = self.dp + i;
                let c = if (0..self.nd()).contains(&j) {
                    self.d.get(j as usize).copied()
                } else {
                    None
                };
                out.push(c.map_or('0', char::from));
            }
        }
    }
}

/// Go's `strconv.FormatFloat(v, verb, prec, 64)`; `None` is precision -1 (shortest).
fn format_float(v: f64, verb: char, prec: Option<usize>) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let mut out = String::new();
    if v.is_sign_negative() {
        out.push('-');
    }
    let a = v.abs();
    match verb {
        'b' => out.push_str(&format_binary_exponent(a)),
        'x' | 'X' => out.push_str(&format_hex_float(a, verb, prec)),
        'f' => match prec {
            Some(p) => out.push_str(&format!("{a:.p$}")),
            None => {
                let digits = Digits::of(a, None);
                digits.fmt_f(&mut out, (digits.nd() - digits.dp).max(0));
            }
        },
        'e' | 'E' => {
            let digits = Digits::of(a, prec.map(|p| p + 1));
            let p = prec.map_or((digits.nd() - 1).max(0), |p| p as i64);
            digits.fmt_e(&mut out, p, verb);
        }
        _ => format_general(&mut out, a, verb, prec),
    }
    out
}

// Go's %g: %e for large and small exponents, %f otherwise, shortest digits by default.
fn format_general(out: &mut String, a: f64, verb: char, prec: Option<usize>) {
    let shortest = prec.is_none();
    let digits = match prec {
        Some(p) => Digits::of(a, Some(p.max(1))),
        None => Digits::of(a, None),
    };
    let mut prec = prec.map_or(digits.nd(), |p| p.max(1) as i64);
    let mut eprec = prec;
    if eprec > digits.nd() && digits.nd() >= digits.dp {
        eprec = digits.nd();
    }
    if shortest {
        eprec = 6;
    }
    let exp = digits.dp - 1;
    if exp < -4 || exp >= eprec {
        if prec > digits.nd() {
            prec = digits.nd();
        }
        let e = if verb == 'G' { 'E' } else { 'e' };
        digits.fmt_e(out, prec - 1, e);
        return;
    }
    if prec > digits.dp {
        prec = digits.nd();
    }
    digits.fmt_f(out, (prec - digits.dp).max(0));
}

fn mantissa_exponent(a: f64) -> (u64, i64) {
    let bits = a.to_bits();
    let exp_field = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    let exp = if exp_field == 0 {
        1
    } else {
        mant |= 1u64 << 52;
        exp_field
    };
    (mant, exp - 1023)
}

// Go's `fmtB`: mantissa "p" binary exponent, as 4503599627370496p-52.
fn format_binary_exponent(a: f64) -> String {
    let (mant, exp) = mantissa_exponent(a);
    let exp = exp - 52;
    let sign = if exp >= 0 { "+" } else { "" };
    format!("{mant}p{sign}{exp}")
}

// Go's `fmtX`: -0x1.yyyp±dd, rounded (ties to even) to `prec` hex digits when given.
fn format_hex_float(a: f64, verb: char, prec: Option<usize>) -> String {
    let (mut mant, mut exp) = mantissa_exponent(a);
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if let Some(p) = prec.filter(|&p| p < 15) {
        let shift = (p * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let digits: &[u8; 16] = if verb == 'X' { UPPER_HEX } else { LOWER_HEX };
    let mut out = String::from(if verb == 'X' { "0X" } else { "0x" });
    out.push(char::from(b'0' + ((mant >> 60) & 1) as u8));
    mant <<= 4;
    let fraction_digits = match prec {
        None if mant != 0 => Some(usize::MAX),
        Some(p) if p > 0 => Some(p),
        _ => None,
    };
    if let Some(count) = fraction_digits {
        out.push('.');
        let mut n = 0;
        while n < count && (prec.is_some() || mant != 0) {
            out.push(char::from(digits[((mant >> 60) & 15) as usize]));
            mant <<= 4;
            n += 1;
        }
    }
    out.push(if verb == 'X' { 'P' } else { 'p' });
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.unsigned_abs()));
    out
}

#[cfg(test)]
mod tests {
    use super::GoArg::{Big, Float, Int, Str};
    use super::*;

    fn s(text: &str) -> GoArg {
        Str(text.to_string())
    }

    // Each expectation is what Go's fmt.Sprintf prints (and so what OPA's sprintf returns).
    #[test]
    fn floats_round_the_exact_binary_value_ties_to_even() {
        assert_eq!(sprintf("%.1f", &[Float(81.25)]), "81.2");
        assert_eq!(sprintf("%.2f", &[Float(0.125)]), "0.12");
        assert_eq!(sprintf("%.2f", &[Float(3.455)]), "3.46");
        assert_eq!(sprintf("%.0f", &[Float(2.5)]), "2");
        assert_eq!(sprintf("%f", &[Float(-0.1)]), "-0.100000");
        assert_eq!(sprintf("%e", &[Float(81.25)]), "8.125000e+01");
        assert_eq!(sprintf("%.2E", &[Float(0.000125)]), "1.25E-04");
        assert_eq!(sprintf("%g", &[Float(81.25)]), "81.25");
        assert_eq!(sprintf("%g", &[Float(0.00001)]), "1e-05");
        assert_eq!(sprintf("%v", &[Float(1234567.0)]), "1.234567e+06");
        assert_eq!(sprintf("%v", &[Float(100000.0)]), "100000");
        assert_eq!(sprintf("%.3g", &[Float(1234.5)]), "1.23e+03");
        assert_eq!(sprintf("%.5g", &[Float(1.5)]), "1.5");
        assert_eq!(sprintf("%#g", &[Float(1.5)]), "1.50000");
        assert_eq!(sprintf("%b", &[Float(1.0)]), "4503599627370496p-52");
        assert_eq!(sprintf("%x", &[Float(1.0)]), "0x1p+00");
        assert_eq!(sprintf("%x", &[Float(81.25)]), "0x1.45p+06");
    }

    #[test]
    fn flags_and_widths_apply_as_in_go() {
        assert_eq!(sprintf("%5s|%-5s|", &[s("ü"), s("ü")]), "    ü|ü    |");
        assert_eq!(sprintf("%05d", &[Int(-42)]), "-0042");
        assert_eq!(sprintf("%+d % d", &[Int(5), Int(5)]), "+5  5");
        assert_eq!(sprintf("%-05d|", &[Int(7)]), "7    |");
        assert_eq!(sprintf("%08.3f", &[Float(-3.14159)]), "-003.142");
        assert_eq!(sprintf("%+.1e", &[Float(12345.0)]), "+1.2e+04");
        assert_eq!(sprintf("%.3s", &[s("abcdef")]), "abc");
        assert_eq!(sprintf("%#x %#o %O %b", &[Int(255), Int(8), Int(8), Int(5)]), "0xff 010 0o10 101");
        assert_eq!(sprintf("%X", &[Int(-255)]), "-FF");
        assert_eq!(sprintf("%.5d", &[Int(42)]), "00042");
        assert_eq!(sprintf("%.0d|", &[Int(0)]), "|");
        assert_eq!(sprintf("%*d|%-*d|", &[Int(4), Int(1), Int(3), Int(2)]), "   1|2  |");
        assert_eq!(sprintf("%[2]s %[1]s", &[s("a"), s("b")]), "b a");
        assert_eq!(sprintf("%x % X", &[s("hi"), s("hi")]), "6869 68 69");
        assert_eq!(sprintf("%c%U %q", &[Int(65), Int(0x1F600), Int(120)]), "AU+1F600 'x'");
    }

    #[test]
    fn quoting_is_go_strconv_quote() {
        assert_eq!(sprintf("%q", &[s("x\"y\té")]), "\"x\\\"y\\té\"");
        assert_eq!(sprintf("%+q", &[s("é😀")]), "\"\\u00e9\\U0001f600\"");
        assert_eq!(sprintf("%#q", &[s("a\"b")]), "`a\"b`");
        assert_eq!(sprintf("%6q", &[s("ab")]), "  \"ab\"");
    }

    #[test]
    fn a_verb_that_does_not_fit_its_operand_prints_go_error_strings() {
        assert_eq!(sprintf("%d", &[Float(81.25)]), "%!d(float64=81.25)");
        assert_eq!(sprintf("%05d", &[Float(2.5)]), "%!d(float64=002.5)");
        assert_eq!(sprintf("%.2f", &[Int(0)]), "%!f(int64=00)");
        assert_eq!(sprintf("%d", &[s("1e+21")]), "%!d(string=1e+21)");
        assert_eq!(sprintf("%t", &[s("true")]), "%!t(string=true)");
        assert_eq!(sprintf("%d %d", &[Int(1)]), "1 %!d(MISSING)");
        assert_eq!(sprintf("%d", &[Int(1), s("x")]), "1%!(EXTRA string=x)");
        assert_eq!(sprintf("%[3]d", &[Int(1)]), "%!d(BADINDEX)");
        assert_eq!(sprintf("%", &[]), "%!(NOVERB)");
        assert_eq!(sprintf("%d%%", &[Int(5)]), "5%");
        assert_eq!(sprintf("%T %T", &[Int(1), Float(1.5)]), "int64 float64");
    }

    #[test]
    fn big_integers_format_as_math_big_does() {
        let big = BigInt::parse_bytes(b"1000000000000000000000", 10).unwrap_or_default();
        assert_eq!(sprintf("%d", &[Big(big.clone())]), "1000000000000000000000");
        assert_eq!(sprintf("%x", &[Big(big.clone())]), "3635c9adc5dea00000");
        assert_eq!(sprintf("%+25d", &[Big(big.clone())]), "  +1000000000000000000000");
        assert_eq!(sprintf("%f", &[Big(big)]), "%!f(big.Int=1000000000000000000000)");
    }
}
