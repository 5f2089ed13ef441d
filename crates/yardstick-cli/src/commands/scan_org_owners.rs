//! `scan-org`'s owner sources: `--owners-from` files and the organisation's teams and members,
//! named as Backstage's GitHub org provider (`GithubOrgEntityProvider`) names them: a team's
//! slug is a Group, a member's login a User, both in the default namespace.

use std::sync::Arc;

use yardstick::{EntityRef, OwnerDirectory, DEFAULT_NAMESPACE};
use yardstick_github::OrgPeople;

use crate::stdio::eprint_line;

/// The `--owners-from` directory with the organisation's teams and members added; `None`
/// when there is neither. Says on stderr, once, where the teams and members came from, or
/// why they could not be read (the scan then goes on with the other sources).
pub fn with_org_people(
    from_files: Option<Arc<OwnerDirectory>>,
    org: &str,
    people: &OrgPeople,
) -> Option<Arc<OwnerDirectory>> {
    match people {
        OrgPeople::NotRead => from_files,
        OrgPeople::Unavailable(why) => {
            eprint_line(&format!(
                "yardstick: note: cannot read the teams and members of {org} ({why}): the token needs the organisation's Members read permission, which a workflow's GITHUB_TOKEN lacks; owners resolve against the scanned catalog{} only (pass --no-org-owners to skip this request)",
                if from_files.is_some() { " and --owners-from" } else { "" }
            ));
            from_files
        }
        OrgPeople::Failed(why) => {
            eprint_line(&format!(
                "yardstick: warning: could not read the teams and members of {org} ({why}); owners resolve against the scanned catalog{} only in this run, and the next run reads them again (pass --no-org-owners to skip them)",
                if from_files.is_some() { " and --owners-from" } else { "" }
            ));
            from_files
        }
        OrgPeople::Read(read) => {
            eprint_line(&format!(
                "yardstick: owners: {} teams and {} members of {org}{}",
                read.teams.len(),
                read.members.len(),
                if read.cached { " (cached)" } else { "" }
            ));
            let mut owners = from_files.map(|o| (*o).clone()).unwrap_or_default();
            for slug in &read.teams {
                owners.insert(EntityRef::new("Group", DEFAULT_NAMESPACE, slug));
            }
            for login in &read.members {
                owners.insert(EntityRef::new("User", DEFAULT_NAMESPACE, login));
            }
            Some(Arc::new(owners))
        }
    }
}
