//! Event-time temporal table joins (`JOIN rates FOR SYSTEM_TIME AS OF o.order_time`): the example
//! `examples/table_temporal_join` against PyFlink's golden, and the rows Flink's semantics fix
//! (each order joins the version valid at its time; the LEFT JOIN pads orders with none).

use sluice_e2e::{build, example_args, run_binary, text, workspace_root};

fn sorted(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// The cells of the tableau row whose first cell is `first`, in the output's `table`-th table.
fn row(output: &str, table: usize, first: &str) -> Option<Vec<String>> {
    output
        .split("rows in set")
        .nth(table)?
        .lines()
        .map(|l| l.split('|').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect::<Vec<_>>())
        .find(|cells| cells.get(1).is_some_and(|c| c == first))
}

/// Runs an example and checks it against its golden (as a multiset); returns its output.
fn run_example(name: &str) -> String {
    let dir = workspace_root().join("examples").join(name);
    let binary = build(&dir.join("job.py"), &format!("{name}_e2e"), &[]);
    let output = run_binary(&binary, &example_args(&dir), &dir);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let actual = text(&output.stdout);
    let expected = std::fs::read_to_string(dir.join("expected.out")).expect("golden");
    assert_eq!(sorted(&actual), sorted(&expected), "differs from PyFlink's golden:\n{actual}");
    actual
}

#[test]
fn orders_join_the_rate_valid_at_their_time() {
    let actual = run_example("table_temporal_join");
    // o6 (10:00:20) arrives after o3 and joins the EUR version of exactly 10:00:20.
    assert_eq!(
        row(&actual, 0, "o6").expect("o6 joined"),
        ["+I", "o6", "EUR", "67.2000", "2024-01-01 10:00:20.000", "2024-01-01 10:00:20.000"]
    );
    // o5 (10:00:48) joins USD's 10:00:48 version, which arrived after EUR's 10:00:50.
    assert_eq!(row(&actual, 0, "o5").expect("o5 joined")[4], "2024-01-01 10:00:48.000");
    // JPY's first rate comes after o4: the inner join drops it, the LEFT JOIN pads it.
    assert!(row(&actual, 0, "o4").is_none(), "{actual}");
    assert_eq!(row(&actual, 1, "o4").expect("o4 padded"), ["+I", "o4", "<NULL>", "<NULL>"]);
    assert!(actual.lines().all(|l| !l.starts_with("| -") && !l.starts_with("| +U")), "insert-only: {actual}");
}

#[test]
fn a_versioned_view_drops_versions_older_than_the_latest() {
    let actual = run_example("table_temporal_join_view");
    // EUR 1.11 (10:00:15) arrives after EUR 1.12 (10:00:20): the view's deduplication drops it, so
    // o3 (10:00:17) joins 10:00:00's rate; the versioned table keeps it.
    assert_eq!(row(&actual, 0, "o3").expect("o3 joined")[3], "1.10");
    assert_eq!(row(&actual, 2, "o3").expect("o3 joined")[2], "1.11");
    // CHF's only rate is after o6: padded by the LEFT JOIN only.
    assert!(row(&actual, 0, "o6").is_none(), "{actual}");
    assert_eq!(row(&actual, 1, "o6").expect("o6 padded"), ["+I", "o6", "<NULL>", "<NULL>"]);
}
