//! How wide human output may be: `COLUMNS` when it is set, else the terminal's width when
//! stdout is a terminal, else unlimited, so that pipes and files get the same bytes whatever
//! window the run was started from.

/// The width to wrap human output to, in columns, or `None` for no wrapping.
///
/// `COLUMNS` wins when it holds a positive number (so `COLUMNS=60 yardstick score | less`
/// wraps, and tests can ask for a width); otherwise a terminal on stdout is asked for its
/// size.
pub fn output_width(stdout_is_terminal: bool) -> Option<usize> {
    columns_variable(std::env::var_os("COLUMNS").as_deref()).or_else(|| {
        stdout_is_terminal
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(terminal_size::Width(w), _)| usize::from(w))
            .filter(|&w| w > 0)
    })
}

/// `COLUMNS` read as shells set it: a positive decimal number; anything else is ignored.
fn columns_variable(value: Option<&std::ffi::OsStr>) -> Option<usize> {
    value?
        .to_str()?
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|&w| w > 0)
}

#[cfg(test)]
mod tests {
    use super::columns_variable;
    use std::ffi::OsStr;

    #[test]
    fn columns_must_be_a_positive_number() {
        assert_eq!(columns_variable(Some(OsStr::new("60"))), Some(60));
        assert_eq!(columns_variable(Some(OsStr::new(" 80\n"))), Some(80));
        assert_eq!(columns_variable(Some(OsStr::new("0"))), None);
        assert_eq!(columns_variable(Some(OsStr::new("wide"))), None);
        assert_eq!(columns_variable(Some(OsStr::new(""))), None);
        assert_eq!(columns_variable(None), None);
    }
}
