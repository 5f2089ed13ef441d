//! `yardstick lint`: catalog files checked exactly as Backstage would accept or reject them.

use yardstick::report::Report;
use yardstick::{lint_paths, Severity};

use crate::exit_code::{EXIT_FINDINGS, EXIT_OK};
use crate::flags::LintArgs;
use crate::output;
use crate::settings::{lint_options, scan_config, scan_paths};

pub fn run(args: LintArgs) -> Result<u8, String> {
    let config = scan_config(&args.scan)?;
    let mut options = lint_options(&args.scan, &config);
    if let Some(check_refs) = args.check_refs {
        options.check_refs = check_refs.ref_check();
    }
    options.follow_locations &= !args.no_follow;
    options.templates &= !args.no_templates;
    options.app_catalog = crate::settings::app_catalog(&args.scan)?;
    options.repository = crate::settings::repository(&args.scan)?;
    options.owners = crate::settings::owner_sources(&args.scan.owners_from)?;
    let lint = lint_paths(&scan_paths(&args.scan), &options).map_err(|e| e.to_string())?;
    crate::settings::warn_if_empty(lint.files.len());
    crate::settings::note_lenient_owners(&lint.owners, &options, "--check-refs always");
    let deny_warnings = args.deny_warnings || config.lint.deny_warnings.unwrap_or(false);
    let report = Report::from_lint(&lint);
    output::emit(&args.output, &report, output::Live::Lint(&lint))?;
    let failing =
        lint.count(Severity::Error) > 0 || (deny_warnings && lint.count(Severity::Warning) > 0);
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
}
