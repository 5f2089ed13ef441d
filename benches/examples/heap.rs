//! Where the memory of an end-to-end run goes: a counting global allocator reports the live
//! heap after lint and after score, the peak, and what dropping each part frees.
//!
//! ```text
//! cargo run --release -p yardstick-benches --example heap -- DIR
//! ```
//!
//! DIR is a generated catalog (`gen-catalog`). Counting costs an atomic add per allocation,
//! so this example is for accounting, not timing.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use yardstick::{lint_paths, score, Keep, LintOptions, PolicySet, Scorer};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        COUNT.fetch_add(1, Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Relaxed) + new_size;
        LIVE.fetch_sub(layout.size(), Relaxed);
        PEAK.fetch_max(live, Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// What the accepted entities' trees are made of.
#[derive(Debug, Default)]
struct Tally {
    entities: usize,
    relations: usize,
    nodes: usize,
    entries: usize,
    strings: usize,
    string_bytes: usize,
    key_bytes: usize,
    /// Heap bytes of the compact trees (nodes, entries and string buffers).
    tree_bytes: usize,
}

impl Tally {
    fn node(&mut self, node: yardstick::NodeRef<'_>) {
        use yardstick::ValueRef;
        self.nodes += 1;
        match node.value() {
            ValueRef::String(s) => {
                self.strings += 1;
                self.string_bytes += s.len();
            }
            ValueRef::Seq(items) => items.for_each(|n| self.node(n)),
            ValueRef::Map(entries) => {
                for e in entries {
                    self.entries += 1;
                    self.key_bytes += e.key().len();
                    self.node(e.value());
                }
            }
            _ => {}
        }
    }
}

fn mb(b: usize) -> f64 {
    b as f64 / 1e6
}

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).expect("DIR"));
    let policies = PolicySet::builtin().expect("builtin checks");
    let options = yardstick_benches::score_options(&dir).expect("facts");
    // As `yardstick score` lints: each entity keeps only what the checks read.
    let parts = Scorer::new(&policies, &options)
        .expect("scorer")
        .entity_parts()
        .cloned()
        .expect("bounded reads");
    let lint_options = LintOptions {
        keep: Keep::Parts(parts),
        ..LintOptions::default()
    };
    let start = LIVE.load(Relaxed);
    let report = lint_paths(std::slice::from_ref(&dir), &lint_options).expect("lint");
    let after_lint = LIVE.load(Relaxed);
    println!(
        "after lint: live {:.1} MB, peak so far {:.1} MB, {} allocations",
        mb(after_lint - start),
        mb(PEAK.load(Relaxed)),
        COUNT.load(Relaxed)
    );
    let mut tally = Tally::default();
    for e in &report.catalog.entities {
        tally.node(e.entity.root.root());
        tally.tree_bytes += e.entity.root.heap_bytes();
        tally.entities += 1;
        tally.relations += e.entity.relations.len();
    }
    println!("trees: {tally:?}");
    let before_score = LIVE.load(Relaxed);
    let mut card = score(&report, &policies, &options).expect("score");
    println!(
        "after score: scorecard {:.1} MB, live {:.1} MB, peak {:.1} MB, {} allocations",
        mb(LIVE.load(Relaxed) - before_score),
        mb(LIVE.load(Relaxed)),
        mb(PEAK.load(Relaxed)),
        COUNT.load(Relaxed)
    );
    let mut report = report;
    let free = |what: &str, f: &mut dyn FnMut()| {
        let before = LIVE.load(Relaxed);
        f();
        println!("  {what}: {:.1} MB", mb(before - LIVE.load(Relaxed)));
    };
    let text: usize = report.files.iter().map(|f| f.text.len()).sum();
    let lines: usize = (report.kept.iter().flat_map(|k| k.lines.iter().flatten()))
        .map(|l| l.text_len())
        .sum();
    println!(
        "  (file texts: {:.1} MB of text kept, {:.1} MB indexed by line)",
        mb(text),
        mb(lines)
    );
    free("scorecard", &mut || {
        drop(std::mem::take(&mut card.entities))
    });
    free("findings", &mut || {
        drop(std::mem::take(&mut report.findings))
    });
    free("files", &mut || drop(std::mem::take(&mut report.files)));
    free("catalog", &mut || drop(std::mem::take(&mut report.catalog)));
    drop(options);
    println!("left: {:.1} MB", mb(LIVE.load(Relaxed)));
}
