//! The embedding API's promises that the compiler can check.

fn shareable<T: Send + Sync>() {}

#[test]
fn results_and_inputs_can_be_shared_across_threads() {
    shareable::<yardstick::LintReport>();
    shareable::<yardstick::PolicySet>();
    shareable::<yardstick::Facts>();
    shareable::<yardstick::Config>();
    shareable::<yardstick::Scorecard>();
    shareable::<yardstick::report::Report>();
    shareable::<yardstick::Node>();
}
