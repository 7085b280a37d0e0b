//! Public-API check of `sluice::frontend::spans` with positions CPython 3.11.7 reported for
//! the CALL / MAKE_FUNCTION instructions of this job (`dis.get_instructions(..).positions`).

use rustpython_parser::ast::{Expr, Ranged};
use sluice::frontend::spans::{PySpan, SourceIndex};

const JOB: &str = "from pyflink.common import Row, Types
# 中文注释：这是一个测试
def main(ds, MyMapFunction):
    ds = ds.map(lambda a: Row(a % 4, 1), output_type=Types.ROW([Types.LONG(), Types.LONG()])) \\
           .key_by(lambda a: a[0]) \\
           .map(MyMapFunction(), output_type=Types.TUPLE([Types.LONG(), Types.LONG()]))
    return ds
";

fn method(index: &SourceIndex, span: PySpan) -> String {
    let call = index.call_at(span).expect("a call at the CPython position");
    match &*call.func {
        Expr::Attribute(a) => a.attr.to_string(),
        other => index.text_of(other.range()).to_owned(),
    }
}

#[test]
fn cpython_call_positions_resolve_through_the_public_api() {
    let index = SourceIndex::parse(JOB, "job.py").expect("parses");
    assert_eq!(method(&index, PySpan::new(4, 9, 4, 93)), "map");
    assert_eq!(method(&index, PySpan::new(5, 12, 5, 34)), "key_by");
    assert_eq!(method(&index, PySpan::new(6, 12, 6, 87)), "map");
    assert_eq!(method(&index, PySpan::new(6, 16, 6, 31)), "MyMapFunction");

    let last = index.call_at(PySpan::new(6, 12, 6, 87)).expect("last map");
    let out = index
        .call_argument(last, 1, Some("output_type"))
        .expect("output_type");
    assert_eq!(
        index.text_of(out.range()),
        "Types.TUPLE([Types.LONG(), Types.LONG()])"
    );

    let lambda = index
        .lambda_at(PySpan::new(5, 19, 5, 33))
        .expect("key_by lambda");
    assert_eq!(index.text_of(lambda.range), "lambda a: a[0]");
    assert_eq!(
        index.function_def("main", 3).map(|f| f.name.as_str()),
        Some("main")
    );
    assert!(SourceIndex::parse("def f(:\n", "bad.py").is_err());
}
