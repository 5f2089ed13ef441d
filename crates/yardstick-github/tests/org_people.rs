//! The organisation's teams and members: paged at 100 a connection, cached for a day in the
//! state directory, never cached when they could not be read, and a token without the Members
//! read permission (FORBIDDEN or empty answers) told apart from a failure.

mod common;

use common::{options_with_state, scanned};
use github_fake::{FakeGitHub, Fault, PeopleAccess};
use yardstick_github::{scan_org, OrgPeople, OrgPeopleRead};

fn teams(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("team-{i:03}")).collect()
}

fn members(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("User-{i:03}")).collect()
}

/// The cache file of the teams and members, whatever its hash.
fn people_file(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .expect("state dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("people-"))
        })
        .expect("a people file")
}

#[tokio::test(flavor = "multi_thread")]
async fn teams_and_members_cost_their_pages_cold_nothing_warm_and_are_read_again_after_a_day() {
    // 250 teams (3 pages) and 120 members (2 pages): 3 requests, a page of each per request.
    let fake = FakeGitHub::builder()
        .repos(10)
        .teams(teams(250))
        .members(members(120))
        .start()
        .await;
    let (dir, mut opts) = options_with_state(&fake);
    opts.org_people = true;

    let cold = scan_org(&opts).await.expect("cold scan");
    assert_eq!(fake.stats().graphql_people, 3, "{:?}", fake.stats());
    assert!(3 <= 250usize.div_ceil(100) + 120usize.div_ceil(100));
    let expected = OrgPeople::Read(OrgPeopleRead {
        teams: teams(250),
        members: members(120),
        cached: false,
    });
    assert_eq!(cold.people, expected);
    assert_eq!(cold.stats.graphql, fake.stats().total);

    // Warm, within the day: nothing spent on them.
    fake.reset_stats();
    let warm = scan_org(&opts).await.expect("warm scan");
    assert_eq!(fake.stats().graphql_people, 0);
    let OrgPeople::Read(read) = &warm.people else {
        panic!("{:?}", warm.people)
    };
    assert!(read.cached);
    assert_eq!((read.teams.len(), read.members.len()), (250, 120));

    // A day later (the file says so): read again, and the new team is seen.
    let path = people_file(dir.path());
    let text = std::fs::read_to_string(&path).expect("read");
    let mut file: serde_json::Value = serde_json::from_str(&text).expect("json");
    let day_ago = file["saved_at"].as_u64().expect("saved_at") - 24 * 3_600 - 1;
    file["saved_at"] = serde_json::json!(day_ago);
    std::fs::write(&path, file.to_string()).expect("write");
    let mut renamed = teams(250);
    renamed.push("team-new".into());
    fake.set_teams(renamed.clone());
    fake.reset_stats();
    let stale = scan_org(&opts).await.expect("scan after a day");
    assert_eq!(fake.stats().graphql_people, 3);
    let OrgPeople::Read(read) = &stale.people else {
        panic!("{:?}", stale.people)
    };
    assert!(!read.cached);
    assert_eq!(read.teams, renamed);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_the_members_permission_they_are_unavailable_and_never_cached() {
    for access in [PeopleAccess::Forbidden, PeopleAccess::Hidden] {
        let fake = FakeGitHub::builder()
            .repos(5)
            .teams(teams(3))
            .members(members(3))
            .people_access(access)
            .start()
            .await;
        let (_state, mut opts) = options_with_state(&fake);
        opts.org_people = true;
        for _ in 0..2 {
            fake.reset_stats();
            let snapshot = scan_org(&opts).await.expect("the scan goes on");
            let OrgPeople::Unavailable(why) = &snapshot.people else {
                panic!("{access:?}: {:?}", snapshot.people)
            };
            match access {
                PeopleAccess::Forbidden => assert!(why.contains("FORBIDDEN"), "{why}"),
                _ => assert!(why.contains("no members"), "{why}"),
            }
            // Asked again on the next run: a permission granted meanwhile is seen at once.
            assert_eq!(fake.stats().graphql_people, 1, "{access:?}");
            assert_eq!(snapshot.repositories.len(), scanned(&fake.repos()).len());
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_read_is_reported_and_not_cached_as_no_teams() {
    let fake = FakeGitHub::builder()
        .repos(5)
        .teams(teams(3))
        .members(members(3))
        .fault_on_people(1, Fault::BadGateway)
        .fault_on_people(2, Fault::BadGateway)
        .start()
        .await;
    let (dir, mut opts) = options_with_state(&fake);
    opts.org_people = true;
    opts.max_retries = 1;
    let snapshot = scan_org(&opts).await.expect("the repositories are scanned");
    let OrgPeople::Failed(why) = &snapshot.people else {
        panic!("two 502s with one retry: {:?}", snapshot.people)
    };
    assert!(why.contains("502"), "{why}");
    assert_eq!(
        fake.stats().faults,
        2,
        "the request and its retry, both 502"
    );
    assert!(
        std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .all(|e| !e.file_name().to_string_lossy().starts_with("people-")),
        "nothing cached"
    );
    // The next run reads them.
    let snapshot = scan_org(&opts).await.expect("healed");
    assert_eq!(
        snapshot.people,
        OrgPeople::Read(OrgPeopleRead {
            teams: teams(3),
            members: members(3),
            cached: false
        })
    );
}
