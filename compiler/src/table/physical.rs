//! What code generation of one relational operator needs to know about its consumers, so that the
//! generated pipeline does no work whose result nobody sees:
//!
//! - which columns of each operator's output some consumer reads: a CSV file source decodes only
//!   those (the others are NULL; Flink's projection push-down into the filesystem source), and a
//!   projection computes only those;
//! - whether a group aggregate's updates need their UPDATE_BEFORE rows: Flink's planner asks each
//!   sink for its changelog mode and drops `-U` when no consumer needs it (blackhole and upsert-kafka
//!   take updates as upserts), so the aggregate emits `+U` alone.
//!
//! The plan (and `sluice explain`) are unchanged. Every rule errs towards "read": an operator this
//! module does not model reads all the columns of its inputs and needs UPDATE_BEFORE.

use std::collections::{HashMap, HashSet};

use super::join::visit_columns;
use super::{Expr, RelOp, SinkConnector};
use crate::plan::{PlanNode, StreamOp};

/// A relational operator: a plan node, or node `sub` of a plan node's SQL query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RelRef {
    pub plan: usize,
    pub sub: Option<usize>,
}

impl RelRef {
    pub fn plan(plan: usize) -> Self {
        RelRef { plan, sub: None }
    }

    pub fn sub(plan: usize, sub: usize) -> Self {
        RelRef { plan, sub: Some(sub) }
    }
}

/// What one operator reads of its input `input`: some columns (indexes past the input's width are
/// the operator's own, such as a Python function's result) or all of them.
enum Reads {
    All,
    Columns(HashSet<usize>),
}

/// One consumer edge: `consumer` reads `producer` as its input `input`.
struct Edge {
    producer: RelRef,
    consumer: Consumer,
}

enum Consumer {
    Rel { at: RelRef, input: usize },
    /// A `RelOp::Input` inside a query: the producer's output is the query node's output.
    Alias(RelRef),
    /// A DataStream operator (`to_data_stream`, ...): reads every column and every change.
    Stream,
}

/// The analysis of one job's plan.
pub struct Physical<'a> {
    nodes: &'a [PlanNode],
    edges: Vec<Edge>,
    read: HashMap<RelRef, Vec<bool>>,
}

impl<'a> Physical<'a> {
    pub fn analyze(nodes: &'a [PlanNode]) -> Self {
        let mut physical = Physical {
            nodes,
            edges: Vec::new(),
            read: HashMap::new(),
        };
        physical.collect_edges();
        physical.propagate_reads();
        physical
    }

    /// The operator at `at`.
    fn rel(&self, at: RelRef) -> Option<&'a RelOp> {
        let node = self.nodes.iter().find(|n| n.id == at.plan)?;
        let StreamOp::Relational(rel) = &node.op else {
            return None;
        };
        match (rel, at.sub) {
            (_, None) => Some(rel),
            (RelOp::Query { nodes, .. }, Some(i)) => nodes.get(i).map(|n| &n.op),
            _ => None,
        }
    }

    /// The operator whose rows plan node `plan` outputs (a query's last node).
    fn output_of(&self, plan: usize) -> RelRef {
        match self.rel(RelRef::plan(plan)) {
            Some(RelOp::Query { nodes, .. }) if !nodes.is_empty() => RelRef::sub(plan, nodes.len() - 1),
            _ => RelRef::plan(plan),
        }
    }

    fn collect_edges(&mut self) {
        let mut edges = Vec::new();
        for node in self.nodes {
            match &node.op {
                StreamOp::Relational(RelOp::Query { nodes: query, .. }) => {
                    for (i, sub) in query.iter().enumerate() {
                        let at = RelRef::sub(node.id, i);
                        if let RelOp::Input { node: source, .. } = &sub.op {
                            edges.push(Edge { producer: self.output_of(*source), consumer: Consumer::Alias(at) });
                        }
                        for (input, &j) in sub.inputs.iter().enumerate() {
                            edges.push(Edge { producer: RelRef::sub(node.id, j), consumer: Consumer::Rel { at, input } });
                        }
                    }
                }
                StreamOp::Relational(_) => {
                    for (input, &j) in node.inputs.iter().enumerate() {
                        let consumer = Consumer::Rel { at: RelRef::plan(node.id), input };
                        edges.push(Edge { producer: self.output_of(j), consumer });
                    }
                }
                _ => {
                    for &j in &node.inputs {
                        edges.push(Edge { producer: self.output_of(j), consumer: Consumer::Stream });
                    }
                }
            }
        }
        self.edges = edges;
    }

    /// Reads grow from the consumers back to the sources until nothing changes (they only grow, so
    /// this ends, whatever the order of the nodes).
    fn propagate_reads(&mut self) {
        loop {
            let mut changed = false;
            for e in 0..self.edges.len() {
                let reads = match &self.edges[e].consumer {
                    Consumer::Stream => Reads::All,
                    Consumer::Alias(at) => Reads::Columns(self.columns_read(*at).into_iter().collect()),
                    Consumer::Rel { at, input } => match self.rel(*at) {
                        Some(rel) => reads_of(rel, *input, &self.columns_read_vec(*at)),
                        None => Reads::All,
                    },
                };
                let producer = self.edges[e].producer;
                let width = self.rel(producer).map_or(0, |r| r.schema().fields.len());
                let read = self.read.entry(producer).or_insert_with(|| vec![false; width]);
                for (i, slot) in read.iter_mut().enumerate() {
                    let wanted = match &reads {
                        Reads::All => true,
                        Reads::Columns(columns) => columns.contains(&i),
                    };
                    if wanted && !*slot {
                        *slot = true;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }

    fn columns_read(&self, at: RelRef) -> Vec<usize> {
        self.columns_read_vec(at)
            .iter()
            .enumerate()
            .filter_map(|(i, &r)| r.then_some(i))
            .collect()
    }

    fn columns_read_vec(&self, at: RelRef) -> Vec<bool> {
        let width = self.rel(at).map_or(0, |r| r.schema().fields.len());
        self.read.get(&at).cloned().unwrap_or_else(|| vec![false; width])
    }

    /// The number of columns of `at`'s (first) input, when it is a relational operator's.
    pub fn input_width(&self, at: RelRef) -> Option<usize> {
        let producer = self.edges.iter().find_map(|e| match e.consumer {
            Consumer::Rel { at: consumer, input: 0 } if consumer == at => Some(e.producer),
            _ => None,
        })?;
        self.rel(producer).map(|r| r.schema().fields.len())
    }

    /// Which of `at`'s output columns some consumer reads.
    pub fn read_columns(&self, at: RelRef) -> Vec<bool> {
        self.columns_read_vec(at)
    }

    /// Whether some consumer of `at`'s updates needs their UPDATE_BEFORE rows.
    pub fn update_before(&self, at: RelRef) -> bool {
        self.needs_update_before(at, 0)
    }

    fn needs_update_before(&self, at: RelRef, depth: usize) -> bool {
        // A plan deeper than this is not one a script builds; be safe rather than clever.
        if depth > 64 {
            return true;
        }
        self.edges.iter().filter(|e| e.producer == at).any(|e| match &e.consumer {
            Consumer::Stream => true,
            Consumer::Alias(alias) => self.needs_update_before(*alias, depth + 1),
            Consumer::Rel { at: consumer, .. } => match self.rel(*consumer) {
                Some(RelOp::Sink { sink: SinkConnector::Blackhole, .. }) => false,
                Some(RelOp::Sink { sink: SinkConnector::Kafka { upsert_key: Some(_), .. }, .. }) => false,
                // A Calc passes row kinds through: its consumers decide.
                Some(RelOp::Calc { .. }) => self.needs_update_before(*consumer, depth + 1),
                _ => true,
            },
        })
    }
}

/// What `rel` reads of its input `input`, given which of its own output columns are read.
fn reads_of(rel: &RelOp, input: usize, out: &[bool]) -> Reads {
    let mut columns = HashSet::new();
    let mut add = |e: &Expr| visit_columns(e, &mut |i| {
        columns.insert(i);
    });
    match rel {
        RelOp::Calc {
            python,
            filter,
            projection,
            ..
        } if input == 0 => {
            // Python functions run on every row whatever is read of their results.
            python.iter().flat_map(|call| &call.args).for_each(&mut add);
            filter.iter().for_each(&mut add);
            projection
                .iter()
                .zip(out)
                .filter(|(_, &read)| read)
                .for_each(|(e, _)| add(e));
        }
        // Each list reads what its read columns compute (the grouping sets' NULLs and ids nothing).
        RelOp::Expand { projections, .. } if input == 0 => {
            for projection in projections {
                projection.iter().zip(out).filter(|(_, &read)| read).for_each(|(e, _)| add(e));
            }
        }
        RelOp::Aggregate { keys, aggs, .. } if input == 0 => {
            keys.iter().for_each(&mut add);
            for agg in aggs {
                agg.arg.iter().for_each(&mut add);
                agg.filter.iter().for_each(&mut add);
                agg.python.iter().flat_map(|p| &p.args).for_each(&mut add);
            }
        }
        _ => return Reads::All,
    }
    Reads::Columns(columns)
}
