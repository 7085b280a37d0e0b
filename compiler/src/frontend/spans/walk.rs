//! A pre-order walker over every statement and expression kind of rustpython's AST.

use rustpython_parser::ast::{
    Arguments, Comprehension, ExceptHandler, Expr, Pattern, Stmt, TypeParam,
};

use super::NodeRef;

/// The nested statement lists of a compound statement (empty for simple statements).
pub fn child_bodies(s: &Stmt) -> Vec<&[Stmt]> {
    match s {
        Stmt::FunctionDef(f) => vec![&f.body],
        Stmt::AsyncFunctionDef(f) => vec![&f.body],
        Stmt::ClassDef(c) => vec![&c.body],
        Stmt::For(f) => vec![&f.body, &f.orelse],
        Stmt::AsyncFor(f) => vec![&f.body, &f.orelse],
        Stmt::While(w) => vec![&w.body, &w.orelse],
        Stmt::If(i) => vec![&i.body, &i.orelse],
        Stmt::With(w) => vec![&w.body],
        Stmt::AsyncWith(w) => vec![&w.body],
        Stmt::Match(m) => m.cases.iter().map(|c| c.body.as_slice()).collect(),
        Stmt::Try(t) => {
            let mut v: Vec<&[Stmt]> = vec![&t.body];
            v.extend(
                t.handlers
                    .iter()
                    .map(|ExceptHandler::ExceptHandler(h)| h.body.as_slice()),
            );
            v.push(&t.orelse);
            v.push(&t.finalbody);
            v
        }
        Stmt::TryStar(t) => {
            let mut v: Vec<&[Stmt]> = vec![&t.body];
            v.extend(
                t.handlers
                    .iter()
                    .map(|ExceptHandler::ExceptHandler(h)| h.body.as_slice()),
            );
            v.push(&t.orelse);
            v.push(&t.finalbody);
            v
        }
        _ => Vec::new(),
    }
}

/// Pre-order walk over statements (and everything inside them). `f` returns `true` to
/// descend into a node's children.
pub fn walk_suite<'a>(stmts: &'a [Stmt], f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    for s in stmts {
        walk_stmt(s, f);
    }
}

/// Pre-order walk over one statement.
pub fn walk_stmt<'a>(s: &'a Stmt, f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    if !f(NodeRef::Stmt(s)) {
        return;
    }
    match s {
        Stmt::FunctionDef(d) => {
            walk_exprs(&d.decorator_list, f);
            walk_type_params(&d.type_params, f);
            walk_arguments(&d.args, f);
            walk_opt(d.returns.as_deref(), f);
            walk_suite(&d.body, f);
        }
        Stmt::AsyncFunctionDef(d) => {
            walk_exprs(&d.decorator_list, f);
            walk_type_params(&d.type_params, f);
            walk_arguments(&d.args, f);
            walk_opt(d.returns.as_deref(), f);
            walk_suite(&d.body, f);
        }
        Stmt::ClassDef(c) => {
            walk_exprs(&c.decorator_list, f);
            walk_type_params(&c.type_params, f);
            walk_exprs(&c.bases, f);
            for k in &c.keywords {
                walk_expr(&k.value, f);
            }
            walk_suite(&c.body, f);
        }
        Stmt::Return(r) => walk_opt(r.value.as_deref(), f),
        Stmt::Delete(d) => walk_exprs(&d.targets, f),
        Stmt::Assign(a) => {
            walk_exprs(&a.targets, f);
            walk_expr(&a.value, f);
        }
        Stmt::TypeAlias(t) => {
            walk_expr(&t.name, f);
            walk_type_params(&t.type_params, f);
            walk_expr(&t.value, f);
        }
        Stmt::AugAssign(a) => {
            walk_expr(&a.target, f);
            walk_expr(&a.value, f);
        }
        Stmt::AnnAssign(a) => {
            walk_expr(&a.target, f);
            walk_expr(&a.annotation, f);
            walk_opt(a.value.as_deref(), f);
        }
        Stmt::For(l) => {
            walk_expr(&l.target, f);
            walk_expr(&l.iter, f);
            walk_suite(&l.body, f);
            walk_suite(&l.orelse, f);
        }
        Stmt::AsyncFor(l) => {
            walk_expr(&l.target, f);
            walk_expr(&l.iter, f);
            walk_suite(&l.body, f);
            walk_suite(&l.orelse, f);
        }
        Stmt::While(w) => {
            walk_expr(&w.test, f);
            walk_suite(&w.body, f);
            walk_suite(&w.orelse, f);
        }
        Stmt::If(i) => {
            walk_expr(&i.test, f);
            walk_suite(&i.body, f);
            walk_suite(&i.orelse, f);
        }
        Stmt::With(w) => {
            for item in &w.items {
                walk_expr(&item.context_expr, f);
                walk_opt(item.optional_vars.as_deref(), f);
            }
            walk_suite(&w.body, f);
        }
        Stmt::AsyncWith(w) => {
            for item in &w.items {
                walk_expr(&item.context_expr, f);
                walk_opt(item.optional_vars.as_deref(), f);
            }
            walk_suite(&w.body, f);
        }
        Stmt::Match(m) => {
            walk_expr(&m.subject, f);
            for case in &m.cases {
                walk_pattern(&case.pattern, f);
                walk_opt(case.guard.as_deref(), f);
                walk_suite(&case.body, f);
            }
        }
        Stmt::Raise(r) => {
            walk_opt(r.exc.as_deref(), f);
            walk_opt(r.cause.as_deref(), f);
        }
        Stmt::Try(t) => {
            walk_suite(&t.body, f);
            walk_handlers(&t.handlers, f);
            walk_suite(&t.orelse, f);
            walk_suite(&t.finalbody, f);
        }
        Stmt::TryStar(t) => {
            walk_suite(&t.body, f);
            walk_handlers(&t.handlers, f);
            walk_suite(&t.orelse, f);
            walk_suite(&t.finalbody, f);
        }
        Stmt::Assert(a) => {
            walk_expr(&a.test, f);
            walk_opt(a.msg.as_deref(), f);
        }
        Stmt::Expr(e) => walk_expr(&e.value, f),
        Stmt::Import(_)
        | Stmt::ImportFrom(_)
        | Stmt::Global(_)
        | Stmt::Nonlocal(_)
        | Stmt::Pass(_)
        | Stmt::Break(_)
        | Stmt::Continue(_) => {}
    }
}

fn walk_handlers<'a>(handlers: &'a [ExceptHandler], f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    for ExceptHandler::ExceptHandler(h) in handlers {
        walk_opt(h.type_.as_deref(), f);
        walk_suite(&h.body, f);
    }
}

fn walk_type_params<'a>(params: &'a [TypeParam], f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    for p in params {
        if let TypeParam::TypeVar(v) = p {
            walk_opt(v.bound.as_deref(), f);
        }
    }
}

/// Defaults and annotations of a parameter list (in source order).
fn walk_arguments<'a>(args: &'a Arguments, f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    for a in args.posonlyargs.iter().chain(&args.args) {
        walk_opt(a.def.annotation.as_deref(), f);
        walk_opt(a.default.as_deref(), f);
    }
    if let Some(v) = &args.vararg {
        walk_opt(v.annotation.as_deref(), f);
    }
    for a in &args.kwonlyargs {
        walk_opt(a.def.annotation.as_deref(), f);
        walk_opt(a.default.as_deref(), f);
    }
    if let Some(k) = &args.kwarg {
        walk_opt(k.annotation.as_deref(), f);
    }
}

fn walk_pattern<'a>(p: &'a Pattern, f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    match p {
        Pattern::MatchValue(v) => walk_expr(&v.value, f),
        Pattern::MatchSingleton(_) | Pattern::MatchStar(_) => {}
        Pattern::MatchSequence(s) => s.patterns.iter().for_each(|p| walk_pattern(p, f)),
        Pattern::MatchMapping(m) => {
            for (k, p) in m.keys.iter().zip(&m.patterns) {
                walk_expr(k, f);
                walk_pattern(p, f);
            }
        }
        Pattern::MatchClass(c) => {
            walk_expr(&c.cls, f);
            c.patterns.iter().for_each(|p| walk_pattern(p, f));
            c.kwd_patterns.iter().for_each(|p| walk_pattern(p, f));
        }
        Pattern::MatchAs(a) => {
            if let Some(p) = &a.pattern {
                walk_pattern(p, f);
            }
        }
        Pattern::MatchOr(o) => o.patterns.iter().for_each(|p| walk_pattern(p, f)),
    }
}

fn walk_opt<'a>(e: Option<&'a Expr>, f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    if let Some(e) = e {
        walk_expr(e, f);
    }
}

fn walk_exprs<'a>(es: &'a [Expr], f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    for e in es {
        walk_expr(e, f);
    }
}

fn walk_comprehensions<'a>(gens: &'a [Comprehension], f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    for g in gens {
        walk_expr(&g.target, f);
        walk_expr(&g.iter, f);
        walk_exprs(&g.ifs, f);
    }
}

/// Pre-order walk over one expression and its subexpressions (including lambda bodies and
/// defaults, comprehension clauses and f-string parts).
pub fn walk_expr<'a>(e: &'a Expr, f: &mut dyn FnMut(NodeRef<'a>) -> bool) {
    if !f(NodeRef::Expr(e)) {
        return;
    }
    match e {
        Expr::BoolOp(b) => walk_exprs(&b.values, f),
        Expr::NamedExpr(n) => {
            walk_expr(&n.target, f);
            walk_expr(&n.value, f);
        }
        Expr::BinOp(b) => {
            walk_expr(&b.left, f);
            walk_expr(&b.right, f);
        }
        Expr::UnaryOp(u) => walk_expr(&u.operand, f),
        Expr::Lambda(l) => {
            walk_arguments(&l.args, f);
            walk_expr(&l.body, f);
        }
        Expr::IfExp(i) => {
            walk_expr(&i.body, f);
            walk_expr(&i.test, f);
            walk_expr(&i.orelse, f);
        }
        Expr::Dict(d) => {
            for (k, v) in d.keys.iter().zip(&d.values) {
                walk_opt(k.as_ref(), f);
                walk_expr(v, f);
            }
        }
        Expr::Set(s) => walk_exprs(&s.elts, f),
        Expr::ListComp(c) => {
            walk_expr(&c.elt, f);
            walk_comprehensions(&c.generators, f);
        }
        Expr::SetComp(c) => {
            walk_expr(&c.elt, f);
            walk_comprehensions(&c.generators, f);
        }
        Expr::DictComp(c) => {
            walk_expr(&c.key, f);
            walk_expr(&c.value, f);
            walk_comprehensions(&c.generators, f);
        }
        Expr::GeneratorExp(c) => {
            walk_expr(&c.elt, f);
            walk_comprehensions(&c.generators, f);
        }
        Expr::Await(a) => walk_expr(&a.value, f),
        Expr::Yield(y) => walk_opt(y.value.as_deref(), f),
        Expr::YieldFrom(y) => walk_expr(&y.value, f),
        Expr::Compare(c) => {
            walk_expr(&c.left, f);
            walk_exprs(&c.comparators, f);
        }
        Expr::Call(c) => {
            walk_expr(&c.func, f);
            walk_exprs(&c.args, f);
            for k in &c.keywords {
                walk_expr(&k.value, f);
            }
        }
        Expr::FormattedValue(v) => {
            walk_expr(&v.value, f);
            walk_opt(v.format_spec.as_deref(), f);
        }
        Expr::JoinedStr(j) => walk_exprs(&j.values, f),
        Expr::Constant(_) | Expr::Name(_) => {}
        Expr::Attribute(a) => walk_expr(&a.value, f),
        Expr::Subscript(s) => {
            walk_expr(&s.value, f);
            walk_expr(&s.slice, f);
        }
        Expr::Starred(s) => walk_expr(&s.value, f),
        Expr::List(l) => walk_exprs(&l.elts, f),
        Expr::Tuple(t) => walk_exprs(&t.elts, f),
        Expr::Slice(s) => {
            walk_opt(s.lower.as_deref(), f);
            walk_opt(s.upper.as_deref(), f);
            walk_opt(s.step.as_deref(), f);
        }
    }
}
