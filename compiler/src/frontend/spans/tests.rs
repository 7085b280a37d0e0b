//! Tests of the span index, with positions measured from CPython 3.11.

use super::*;

// The test sources below are verbatim copies of files whose positions were taken from
// CPython 3.11.7: `dis.get_instructions(code)` for every code object (recursively through
// `co_consts`), printing `instruction.positions` of each CALL / MAKE_FUNCTION /
// IMPORT_NAME. The numbers in the tests are those real positions.

const CHAIN: &str = r#"from pyflink.common import Row, Types
# 中文注释：这是一个测试
def main(ds, MyMapFunction):
    ds = ds.map(lambda a: Row(a % 4, 1), output_type=Types.ROW([Types.LONG(), Types.LONG()])) \
           .key_by(lambda a: a[0]) \
           .map(MyMapFunction(), output_type=Types.TUPLE([Types.LONG(), Types.LONG()]))
    return ds
"#;

const CHINESE: &str = r#"# -*- coding: utf-8 -*-
# 数据流作业：统计单词（中文注释）
def run(env, ds):
    ds = ds.filter(lambda s: s != "你好世界").map(lambda s: (s, 1))  # 注释：映射
    ds.print()
"#;

const UNICODE_METHODS: &str = r#"def 处理(ds):
    return ds.数据(1) \
        .映射(2)
"#;

const DEFS: &str = r#"from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import MapFunction


class MyMapFunction(MapFunction):
    """映射函数"""

    def open(self, runtime_context):
        self.count = 0

    def map(self, value):
        return str(value * 2)


@udf(result_type=DataTypes.BIGINT(),
     deterministic=True)
def add_one(x):
    return x + 1


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    ds = env.from_collection([1, 2, 3])
    result = (
        ds.map(MyMapFunction())
          .filter(lambda x: x > 0)
    )
    total = sum(x * 2 for x in [1, 2, 3])

    async def helper():
        return 1

    def key_fn(v):
        # 按奇偶分组
        return v % 2
    ds.key_by(key_fn).reduce(lambda a, b: a + b)
    env.execute("作业")


if __name__ == "__main__":
    main()
"#;

const COVERAGE: &str = r#"import functools as ft
@deco(lambda: 1)
class C(Base, key=lambda: 2):
    attr: T = lambda: 3
    def m(self, a=lambda: 4, *, b=lambda: 5) -> ann(lambda: 6):
        return lambda: 7
async def g(x=[lambda: 8]):
    await h(lambda: 9)
    async with ctx(lambda: 10) as v:
        pass
    async for i in it(lambda: 11):
        yield lambda: 12
x = {k: lambda: 13 for k in range(3) if k}
y = {lambda: 14 for _ in ()}
z = [f"{(lambda: 15)()!r:>{(lambda: 16)()}}"]
w = (lambda: 17) if cond else (lambda: 18)
del d[lambda: 19]
s = a[(lambda: 20)():(lambda: 21)():2]
n = not (v := lambda: 22) and (lambda: 23) or -(lambda: 24)()
t = (*(lambda: 25,), {**{1: lambda: 26}})
for q in [lambda: 27]:
    pass
else:
    q = lambda: 28
while w(lambda: 29):
    break
else:
    r = lambda: 30
if p(lambda: 31):
    o = lambda: 32
elif p(lambda: 33):
    o = lambda: 34
else:
    o = lambda: 35
try:
    e = lambda: 36
except E(lambda: 37) as err:
    e = lambda: 38
else:
    e = lambda: 39
finally:
    e = lambda: 40
with open(lambda: 41) as f, g(lambda: 42):
    assert (lambda: 43)(), lambda: 44
match subject(lambda: 45):
    case Point(x=0) if (lambda: 46)():
        mm = lambda: 47
    case {"k": v}:
        raise Err(lambda: 48) from (lambda: 49)()
c += (lambda: 50)()
yy = [i for i in (lambda: 51)() if (lambda: 52)()]
gg = (lambda: 53 for _ in ())
lam = lambda a=lambda: 54: lambda: 55
cmp = 1 < (lambda: 56)() < 3
ff = ft.partial(print, sep=lambda: 57)(*[lambda: 58], **{"end": lambda: 59})
sl = x[lambda: 60, 1:2]
def outer():
    def inner():
        nonlocal_stuff = lambda: 61
    return inner
"#;

fn index(src: &str) -> SourceIndex {
    SourceIndex::parse(src, "job.py").expect("test source parses")
}

fn sp(line: u32, col: u32, end_line: u32, end_col: u32) -> PySpan {
    PySpan::new(line, col, end_line, end_col)
}

/// `name` for `name(...)`, `attr` for `obj.attr(...)`.
fn callee(call: &ExprCall) -> &str {
    match &*call.func {
        Expr::Name(n) => n.id.as_str(),
        Expr::Attribute(a) => a.attr.as_str(),
        other => panic!("unexpected callee {other:?}"),
    }
}

#[test]
fn chained_calls_over_backslash_continuations() {
    let idx = index(CHAIN);
    // CPython 3.11: first `.map` is on the call's first line -> whole-call span.
    let first = idx.call_at(sp(4, 9, 4, 93)).expect("first map");
    assert_eq!(callee(first), "map");
    assert_eq!(
        idx.text_of(first.range),
        "ds.map(lambda a: Row(a % 4, 1), output_type=Types.ROW([Types.LONG(), Types.LONG()]))"
    );
    // `.key_by` on a continuation line -> CPython starts the span at the method name.
    let key_by = idx.call_at(sp(5, 12, 5, 34)).expect("key_by");
    assert_eq!(callee(key_by), "key_by");
    assert_eq!(idx.span_of(key_by.range), sp(4, 9, 5, 34));
    // Last `.map`.
    let last = idx.call_at(sp(6, 12, 6, 87)).expect("last map");
    assert_eq!(callee(last), "map");
    assert_eq!(idx.span_of(last.range), sp(4, 9, 6, 87));
    // All three share their start; they are told apart by their ends.
    assert_ne!(first.range, key_by.range);
    assert_ne!(key_by.range, last.range);
    // The whole-call span (start at `ds`) designates the same calls.
    assert_eq!(
        idx.call_at(sp(4, 9, 5, 34)).map(|c| c.range),
        Some(key_by.range)
    );
    assert_eq!(
        idx.call_at(sp(4, 9, 6, 87)).map(|c| c.range),
        Some(last.range)
    );

    // Arguments of each call.
    let f = idx.call_argument(first, 0, Some("func")).expect("map func");
    assert!(matches!(f, Expr::Lambda(_)));
    assert_eq!(idx.text_of(f.range()), "lambda a: Row(a % 4, 1)");
    let ot = idx
        .call_argument(first, 1, Some("output_type"))
        .expect("output_type");
    assert_eq!(
        idx.text_of(ot.range()),
        "Types.ROW([Types.LONG(), Types.LONG()])"
    );
    let k = idx.call_argument(key_by, 0, None).expect("key selector");
    assert_eq!(idx.text_of(k.range()), "lambda a: a[0]");
    let m = idx.call_argument(last, 0, None).expect("map function");
    assert_eq!(idx.text_of(m.range()), "MyMapFunction()");
    assert!(idx.call_argument(last, 1, None).is_none());

    // Inner calls, positions as reported by CPython.
    let inner = idx.call_at(sp(6, 16, 6, 31)).expect("MyMapFunction()");
    assert_eq!(callee(inner), "MyMapFunction");
    let row = idx.call_at(sp(4, 53, 4, 92)).expect("Types.ROW");
    assert_eq!(callee(row), "ROW");
    let long = idx.call_at(sp(6, 72, 6, 84)).expect("second Types.LONG()");
    assert_eq!(idx.span_of(long.range), sp(6, 72, 6, 84));
    let in_lambda = idx.call_at(sp(4, 26, 4, 39)).expect("Row() in lambda body");
    assert_eq!(callee(in_lambda), "Row");

    // Lambdas: CPython's MAKE_FUNCTION spans and co_firstlineno.
    let l1 = idx.lambda_at(sp(4, 16, 4, 39)).expect("lambda 1");
    assert_eq!(idx.text_of(l1.range), "lambda a: Row(a % 4, 1)");
    let l2 = idx.lambda_at(sp(5, 19, 5, 33)).expect("lambda 2");
    assert_eq!(idx.text_of(l2.range), "lambda a: a[0]");
    assert_eq!(idx.lambdas_on_line(4).len(), 1);
    assert_eq!(idx.lambdas_on_line(5).len(), 1);
    assert!(idx.lambdas_on_line(6).is_empty());

    // Near misses find nothing.
    assert!(idx.call_at(sp(5, 12, 5, 33)).is_none());
    assert!(idx.call_at(sp(5, 13, 5, 34)).is_none());
    assert!(idx.call_at(sp(99, 0, 99, 1)).is_none());
}

#[test]
fn chinese_text_uses_byte_columns() {
    let idx = index(CHINESE);
    // Line 4: `    ds = ds.filter(lambda s: s != "你好世界").map(lambda s: (s, 1))  # 注释：映射`
    let filter = idx.call_at(sp(4, 9, 4, 49)).expect("filter");
    assert_eq!(callee(filter), "filter");
    assert_eq!(
        idx.text(sp(4, 9, 4, 49)),
        r#"ds.filter(lambda s: s != "你好世界")"#
    );
    let map = idx.call_at(sp(4, 9, 4, 71)).expect("map");
    assert_eq!(callee(map), "map");
    let print = idx.call_at(sp(5, 4, 5, 14)).expect("print");
    assert_eq!(callee(print), "print");

    let lam = idx.lambda_at(sp(4, 19, 4, 48)).expect("filter lambda");
    assert_eq!(idx.text_of(lam.range), r#"lambda s: s != "你好世界""#);
    assert_eq!(idx.span_of(lam.range), sp(4, 19, 4, 48));
    let lam2 = idx.lambda_at(sp(4, 54, 4, 70)).expect("map lambda");
    assert_eq!(idx.text_of(lam2.range), "lambda s: (s, 1)");
    let on_line: Vec<&str> = idx
        .lambdas_on_line(4)
        .iter()
        .map(|l| idx.text_of(l.range))
        .collect();
    assert_eq!(
        on_line,
        vec![r#"lambda s: s != "你好世界""#, "lambda s: (s, 1)"]
    );

    // Byte vs. character columns: 4 CJK characters = 12 bytes = 8 extra.
    assert_eq!(idx.char_col(4, 49), Some(41));
    assert_eq!(idx.char_col(4, 35), Some(35));
    assert_eq!(idx.char_col(4, 38), Some(36));
    let cjk = idx.line_text(4).expect("line 4").find('你').expect("CJK");
    assert_eq!(cjk, 35);
    assert_eq!(
        idx.offset(4, 35).map(|o| &idx.source()[o..o + 3]),
        Some("你")
    );
    assert_eq!(idx.offset(4, 36), None, "not a character boundary");
    assert_eq!(idx.char_col(4, 36), None);
    // The trailing Chinese comment.
    let line4 = idx.line_text(4).expect("line 4");
    let hash = to_u32(line4.find('#').expect("comment"));
    assert_eq!(
        idx.text(sp(4, hash, 4, to_u32(line4.len()))),
        "# 注释：映射"
    );
    // Whole comment line 2.
    let l2 = idx.line_text(2).expect("line 2");
    assert_eq!(l2, "# 数据流作业：统计单词（中文注释）");
    assert_eq!(idx.text(sp(2, 0, 2, to_u32(l2.len()))), l2);
    assert_eq!(idx.offset(2, to_u32(l2.len()) + 1), None);
}

#[test]
fn non_ascii_method_names_follow_cpython_quirk() {
    // CPython computes the start of a continued method call as
    // `attr.end_col_offset - len(attr_name_in_characters)`: `.映射` occupies bytes 9..15
    // on line 3, CPython reports col 13 (15 - 2), which is not even a char boundary.
    let idx = index(UNICODE_METHODS);
    let outer = idx.call_at(sp(3, 13, 3, 18)).expect("映射 call");
    assert_eq!(callee(outer), "映射");
    let inner = idx.call_at(sp(2, 11, 2, 23)).expect("数据 call");
    assert_eq!(callee(inner), "数据");
    let f = idx.function_def("处理", 1).expect("def 处理");
    assert_eq!(f.name.as_str(), "处理");
}

#[test]
fn class_and_def_lookup() {
    let idx = index(DEFS);
    // Classes (module-level), by `class` line or without a line.
    let cls = idx.class_def("MyMapFunction", Some(5)).expect("class");
    assert_eq!(cls.name.as_str(), "MyMapFunction");
    assert_eq!(cls.body.len(), 3);
    assert!(idx.class_def("MyMapFunction", None).is_some());
    assert!(idx.class_def("MyMapFunction", Some(6)).is_none());
    assert!(idx.class_def("Missing", None).is_none());
    assert!(idx
        .class_source(cls)
        .starts_with("class MyMapFunction(MapFunction):\n"));
    assert!(idx.class_source(cls).ends_with("return str(value * 2)"));

    // Methods are found at any nesting depth (co_firstlineno = `def` line).
    let map = idx.function_def("map", 11).expect("method map");
    assert_eq!(
        idx.function_source(FunctionRef::Sync(map)),
        "def map(self, value):\n        return str(value * 2)"
    );
    assert_eq!(
        idx.dedented_source(map.range),
        "def map(self, value):\n    return str(value * 2)"
    );
    assert!(idx.function_def("open", 8).is_some());
    assert!(idx.function_def("map", 12).is_none());
    assert!(idx.function_def("open", 11).is_none());

    // Decorated function: co_firstlineno is the decorator line (15); `def` is on 17.
    let add_one = idx.function_def("add_one", 15).expect("by decorator line");
    assert_eq!(
        idx.function_def("add_one", 17).map(|f| f.range),
        Some(add_one.range)
    );
    assert_eq!(
            idx.function_source(FunctionRef::Sync(add_one)),
            "@udf(result_type=DataTypes.BIGINT(),\n     deterministic=True)\ndef add_one(x):\n    return x + 1"
        );
    assert_eq!(idx.span_of(add_one.range), sp(17, 0, 18, 16)); // == CPython MAKE_FUNCTION
    assert!(idx.function_def("add_one", 16).is_none());

    // Nested sync and async defs inside main().
    let key_fn = idx.function_def("key_fn", 33).expect("nested def");
    assert_eq!(
        idx.dedented_source(key_fn.range),
        "def key_fn(v):\n    # 按奇偶分组\n    return v % 2"
    );
    assert!(
        idx.function_def("helper", 30).is_none(),
        "async def is not a sync def"
    );
    let helper = idx.function("helper", 30).expect("async def");
    assert!(helper.is_async());
    assert_eq!(helper.name(), "helper");
    assert_eq!(
        idx.function("key_fn", 33).map(|f| f.is_async()),
        Some(false)
    );
    assert_eq!(idx.function("main", 21).map(|f| f.body().len()), Some(8));
}

#[test]
fn calls_that_are_not_call_expressions() {
    let idx = index(DEFS);
    // The `__build_class__` CALL spans the class statement; it ends exactly where the
    // class body's last call `str(value * 2)` ends but must not resolve to it.
    assert!(idx.call_at(sp(5, 0, 12, 29)).is_none());
    assert_eq!(
        callee(idx.call_at(sp(12, 15, 12, 29)).expect("str()")),
        "str"
    );
    // The generator expression's implicit call shares its end with `sum(...)`.
    assert!(idx.call_at(sp(28, 15, 28, 41)).is_none());
    assert_eq!(
        callee(idx.call_at(sp(28, 12, 28, 41)).expect("sum()")),
        "sum"
    );
    // Decorator: both the `udf(...)` call and the CALL applying the decorator have this
    // span; it resolves to the `udf(...)` call expression.
    let udf = idx.call_at(sp(15, 1, 16, 24)).expect("udf(...)");
    assert_eq!(callee(udf), "udf");
    assert_eq!(
        idx.call_argument(udf, 0, Some("result_type"))
            .map(|e| idx.text_of(e.range())),
        Some("DataTypes.BIGINT()")
    );
    assert_eq!(
        callee(idx.call_at(sp(15, 17, 15, 35)).expect("BIGINT()")),
        "BIGINT"
    );

    // Parenthesised chain: `.filter` on a continuation line.
    let filter = idx.call_at(sp(26, 11, 26, 34)).expect("filter");
    assert_eq!(callee(filter), "filter");
    assert_eq!(idx.span_of(filter.range), sp(25, 8, 26, 34));
    let map = idx.call_at(sp(25, 8, 25, 31)).expect("map");
    assert_eq!(
        idx.call_argument(map, 0, None)
            .map(|e| idx.text_of(e.range())),
        Some("MyMapFunction()")
    );
    assert_eq!(
        idx.lambdas_on_line(26)
            .iter()
            .map(|l| idx.text_of(l.range))
            .collect::<Vec<_>>(),
        vec!["lambda x: x > 0"]
    );
    let reduce = idx.call_at(sp(36, 4, 36, 48)).expect("reduce");
    assert_eq!(callee(reduce), "reduce");
    let key_by = idx.call_at(sp(36, 4, 36, 21)).expect("key_by");
    assert_eq!(
        idx.call_argument(key_by, 0, None)
            .map(|e| idx.text_of(e.range())),
        Some("key_fn")
    );
    let lam = idx.lambda_at(sp(36, 29, 36, 47)).expect("reduce lambda");
    assert_eq!(idx.text_of(lam.range), "lambda a, b: a + b");
    assert_eq!(
        callee(idx.call_at(sp(37, 4, 37, 25)).expect("execute")),
        "execute"
    );
}

#[test]
fn statements_by_line() {
    let idx = index(DEFS);
    let kind = |line: u32| -> String {
        match idx.statement_at(line) {
            Some(Stmt::ImportFrom(i)) => {
                format!("from {}", i.module.as_ref().map_or("", |m| m.as_str()))
            }
            Some(Stmt::FunctionDef(f)) => format!("def {}", f.name),
            Some(Stmt::AsyncFunctionDef(f)) => format!("async def {}", f.name),
            Some(Stmt::ClassDef(c)) => format!("class {}", c.name),
            Some(Stmt::Return(_)) => "return".into(),
            Some(Stmt::Assign(a)) => format!("assign {}", idx.text_of(a.targets[0].range())),
            Some(Stmt::Expr(e)) => format!("expr {}", idx.text_of(e.value.range())),
            Some(Stmt::If(_)) => "if".into(),
            Some(other) => format!("{other:?}"),
            None => "none".into(),
        }
    };
    assert_eq!(kind(1), "from pyflink.datastream");
    assert_eq!(kind(2), "from pyflink.datastream.functions");
    assert_eq!(kind(3), "none");
    assert_eq!(kind(5), "class MyMapFunction");
    assert_eq!(kind(6), "expr \"\"\"映射函数\"\"\"");
    assert_eq!(kind(12), "return");
    assert_eq!(kind(15), "def add_one"); // decorator line
    assert_eq!(kind(16), "def add_one"); // decorator continuation line
    assert_eq!(kind(18), "return");
    assert_eq!(kind(24), "assign result");
    assert_eq!(kind(26), "assign result");
    assert_eq!(kind(31), "return");
    assert_eq!(kind(30), "async def helper");
    assert_eq!(kind(34), "def key_fn"); // comment line inside the body
    assert_eq!(kind(40), "if");
    assert_eq!(kind(41), "expr main()");
    assert_eq!(kind(60), "none");

    // CPython's IMPORT_NAME position is the import statement's span.
    let imp = idx.statement_containing(sp(2, 0, 2, 52)).expect("import");
    assert!(matches!(imp, Stmt::ImportFrom(_)));
    assert_eq!(idx.span_of(imp.range()), sp(2, 0, 2, 52));
    let inner = idx
        .statement_containing(sp(26, 11, 26, 34))
        .expect("stmt of filter");
    assert_eq!(idx.span_of(inner.range()), sp(24, 4, 27, 5));
}

#[test]
fn syntax_errors_carry_positions() {
    let err = SourceIndex::parse("def f(:\n    pass\n", "bad.py").expect_err("invalid");
    assert_eq!(err.span.line, 1);
    assert_eq!(err.span, PySpan::point(1, 6));
    assert_eq!(err.file_name, "bad.py");
    assert!(!err.message.is_empty());
    assert!(
        err.to_string().starts_with("bad.py:1:7: syntax error: "),
        "{err}"
    );

    // Error after non-ASCII text on the same line: byte column (CPython 3.11 reports
    // this error at byte 13 as well: `SyntaxError.offset == 14`, 1-based).
    let src = "x = 1\ns = \"中文\" 1\n";
    let err = SourceIndex::parse(src, "zh.py").expect_err("invalid");
    assert_eq!(err.span, PySpan::point(2, 13));
    assert_eq!(err.offset, src.rfind('1').expect("1"));

    // Unexpected EOF inside an unclosed call.
    let err = SourceIndex::parse("ds.map(lambda x: x\n", "eof.py").expect_err("invalid");
    assert!(err.span.line >= 1);

    // Indentation errors.
    let err = SourceIndex::parse("if x:\npass\n", "ind.py").expect_err("invalid");
    assert_eq!(err.span.line, 2);
}

#[test]
fn position_conversions() {
    // BOM stripped (CPython counts line-1 columns after it); CRLF and lone CR endings.
    let src = "\u{feff}a = f(1)\r\nb = g(2)\rc = '中'\n";
    let idx = index(src);
    assert_eq!(idx.source(), "a = f(1)\r\nb = g(2)\rc = '中'\n");
    assert_eq!(idx.line_count(), 4);
    assert_eq!(idx.line_text(1), Some("a = f(1)"));
    assert_eq!(idx.line_text(2), Some("b = g(2)"));
    assert_eq!(idx.line_text(3), Some("c = '中'"));
    assert_eq!(idx.line_text(4), Some(""));
    assert_eq!(idx.line_text(5), None);
    assert_eq!(idx.line_text(0), None);
    assert_eq!(idx.offset(1, 4), Some(4));
    assert_eq!(idx.offset(1, 8), Some(8)); // end of line
    assert_eq!(idx.offset(1, 9), None); // inside "\r\n"
    assert_eq!(idx.offset(2, 0), Some(10));
    assert_eq!(idx.offset(3, 0), Some(19));
    assert_eq!(idx.offset(0, 0), None);
    assert_eq!(idx.offset(4, 0), Some(idx.source().len()));
    assert_eq!(idx.position(9), (1, 8)); // the '\n' of "\r\n"
    assert_eq!(idx.position(10_000), (4, 0));
    assert_eq!(callee(idx.call_at(sp(1, 4, 1, 8)).expect("f(1)")), "f");
    assert_eq!(callee(idx.call_at(sp(2, 4, 2, 8)).expect("g(2)")), "g");
    assert_eq!(idx.text(sp(1, 4, 2, 3)), "f(1)\r\nb =");
    assert_eq!(idx.text(sp(2, 3, 1, 0)), "", "reversed span");
    assert_eq!(idx.text(sp(3, 5, 3, 6)), "", "splits a character");

    // Round trips over every character boundary of a multi-line non-ASCII source.
    let idx = index(CHINESE);
    for (off, _) in idx.source().char_indices() {
        let (line, col) = idx.position(off);
        assert_eq!(
            idx.offset(line, col),
            Some(off),
            "offset {off} at {line}:{col}"
        );
    }
    idx.walk(&mut |node| {
        let r = node.range();
        assert_eq!(idx.range_of(idx.span_of(r)), Some(r));
        true
    });

    // PySpan helpers and serde.
    let s = sp(4, 9, 6, 87);
    assert!(s.contains(sp(5, 12, 5, 34)));
    assert!(!s.contains(sp(4, 8, 5, 34)));
    assert!(s.covers_line(5) && !s.covers_line(7));
    assert!(PySpan::point(3, 1).is_empty());
    assert_eq!(s.to_string(), "4:9-6:87");
    let json = serde_json::to_string(&s).expect("serialize");
    assert_eq!(json, r#"{"line":4,"col":9,"end_line":6,"end_col":87}"#);
    assert_eq!(
        serde_json::from_str::<PySpan>(&json).expect("deserialize"),
        s
    );
}

#[test]
fn call_arguments() {
    let idx =
        index("env.add_source(src, 'name', type_info=Types.INT())\nf(a, *rest, b)\ng(func=h)\n");
    let add = idx.call_at(sp(1, 0, 1, 50)).expect("add_source");
    let text = |e: Option<&Expr>| e.map(|e| idx.text_of(e.range()).to_owned());
    assert_eq!(
        text(idx.call_argument(add, 0, None)).as_deref(),
        Some("src")
    );
    assert_eq!(
        text(idx.call_argument(add, 1, Some("name"))).as_deref(),
        Some("'name'")
    );
    assert_eq!(
        text(idx.call_argument(add, 2, Some("type_info"))).as_deref(),
        Some("Types.INT()")
    );
    assert_eq!(idx.call_argument(add, 2, None), None);
    assert_eq!(idx.call_argument(add, 3, Some("missing")), None);
    let f = idx.call_at(sp(2, 0, 2, 14)).expect("f");
    assert_eq!(text(idx.call_argument(f, 0, None)).as_deref(), Some("a"));
    assert_eq!(idx.call_argument(f, 1, None), None, "splat position");
    assert_eq!(idx.call_argument(f, 2, None), None, "after a splat");
    let g = idx.call_at(sp(3, 0, 3, 9)).expect("g");
    assert_eq!(
        text(idx.call_argument(g, 0, Some("func"))).as_deref(),
        Some("h")
    );
    assert_eq!(idx.calls().len(), 4);
}

#[test]
fn walker_reaches_every_context() {
    // 61 numbered lambdas in every statement/expression context, plus one outer lambda
    // (`lambda a=lambda: 54: lambda: 55`): CPython compiles 62 lambda code objects.
    let idx = index(COVERAGE);
    let mut lambdas = Vec::new();
    idx.walk(&mut |node| {
        if let NodeRef::Expr(Expr::Lambda(l)) = node {
            lambdas.push(l);
        }
        true
    });
    assert_eq!(lambdas.len(), 62);
    let mut numbers: Vec<i64> = lambdas
        .iter()
        .filter_map(|l| match &*l.body {
            Expr::Constant(c) => match &c.value {
                ast::Constant::Int(i) => i.to_string().parse().ok(),
                _ => None,
            },
            _ => None,
        })
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=61).collect::<Vec<i64>>());
    // Every lambda is found by its line, and each by its own span.
    for l in &lambdas {
        let span = idx.span_of(l.range);
        assert!(idx
            .lambdas_on_line(span.line)
            .iter()
            .any(|m| m.range == l.range));
        assert_eq!(idx.lambda_at(span).map(|m| m.range), Some(l.range));
        assert!(matches!(idx.expr_at(span), Some(Expr::Lambda(_))));
    }
    // Lambdas inside an f-string (format spec included), on line 15.
    let fstring: Vec<&str> = idx
        .lambdas_on_line(15)
        .iter()
        .map(|l| idx.text_of(l.range))
        .collect();
    assert_eq!(fstring, vec!["lambda: 15", "lambda: 16"]);
    // Classes and functions at all depths.
    assert!(idx.class_def("C", Some(2)).is_some(), "by decorator line");
    assert!(idx.class_def("C", Some(3)).is_some(), "by class line");
    assert!(idx.function_def("m", 5).is_some());
    assert!(idx.function("g", 7).is_some_and(|f| f.is_async()));
    assert!(idx.function_def("inner", 58).is_some());
}
