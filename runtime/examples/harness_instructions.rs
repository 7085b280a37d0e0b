//! Runs one harness benchmark case a given number of times, for counting instructions under
//! callgrind (`bench/harness_instructions.sh` runs it twice per case with different counts and takes
//! the difference, so set-up and interpreter start-up cancel out).
//!
//! `harness_instructions CASE BATCHES`, CASE one of the names in `benches/support/harness_cases.rs`
//! (or `rows` / `tuples`: only making the input batches, which the row cases include).

#[path = "../benches/support/harness_cases.rs"]
#[allow(dead_code)]
mod cases;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(case), Some(Ok(batches))) = (args.get(1), args.get(2).map(|n| n.parse::<usize>())) else {
        eprintln!("usage: harness_instructions CASE BATCHES");
        return std::process::ExitCode::from(2);
    };
    let mut harness = cases::Harness::new();
    for _ in 0..batches {
        if !harness.run(case) {
            eprintln!("unknown case `{case}`");
            return std::process::ExitCode::from(2);
        }
    }
    std::process::ExitCode::SUCCESS
}
