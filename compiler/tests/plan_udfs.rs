//! The plan keeps each Python function's source and syntax tree (what native lowering will read).

use std::path::Path;

use sluice::driver::{compile, Options};
use sluice::plan::{StreamOp, UdfAst};

#[test]
fn udfs_carry_source_and_ast() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let job = root.join("tests/fixtures/ok/udf_kinds.py");
    let plan = compile(&job, &[], &Options::from_env(false), &mut |_| {}).expect("the fixture compiles");
    let udfs: Vec<_> = plan.jobs[0].nodes.iter().filter_map(|n| n.op.udf().map(|u| (&n.op, u))).collect();
    assert!(udfs.len() >= 5, "map, flat_map, filter, key_by, process, reduce");
    for (op, udf) in &udfs {
        let source = udf.source.as_deref().unwrap_or_else(|| panic!("{} has no source", op.api_name()));
        match (&udf.ast, op) {
            (Some(UdfAst::Lambda(_)), _) => assert!(source.starts_with("lambda"), "{source}"),
            (Some(UdfAst::Function(f)), StreamOp::Map { .. }) => assert_eq!(f.name.as_str(), "to_row"),
            (Some(UdfAst::Class(c)), _) => assert!(source.starts_with(&format!("class {}", c.name.as_str()))),
            (ast, op) => panic!("{} has no usable AST: {ast:?}", op.api_name()),
        }
    }
}
