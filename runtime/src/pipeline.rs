//! A job's physical pipeline: sources feeding a DAG of operators, run as fused loops on one thread.
//!
//! Sources take turns producing a batch; each batch is pushed depth-first through the operators
//! downstream (no channel, no per-record dispatch). Edges carry a port (the main output or a side
//! output's tag) and an input index (for two-input operators). Watermarks travel in-band after the
//! batches they follow: an operator's event time is the minimum over its inputs. At the end of input
//! the final watermark (`i64::MAX`) fires pending event-time timers and windows, due processing-time
//! timers fire, then `on_close` runs in topological order, as in Flink.

use crate::error::{JobError, Result};
use crate::operator::{now_millis, Operator, Source};
use crate::record::{Batch, DEFAULT_BATCH_SIZE};

/// Index of a node in a pipeline under construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeId(usize);

enum Node {
    Source(Box<dyn Source>),
    Operator(Box<dyn Operator>),
}

struct Edge {
    to: usize,
    input: usize,
    /// `None` for the main output, else the side output's tag id.
    port: Option<String>,
}

#[derive(Default)]
pub struct PipelineBuilder {
    nodes: Vec<Node>,
    edges: Vec<Vec<Edge>>,
    input_counts: Vec<usize>,
}

impl PipelineBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.edges.push(Vec::new());
        self.input_counts.push(0);
        NodeId(self.nodes.len() - 1)
    }

    fn connect(&mut self, from: NodeId, to: NodeId, input: usize, port: Option<&str>) {
        self.edges[from.0].push(Edge { to: to.0, input, port: port.map(str::to_string) });
        self.input_counts[to.0] = self.input_counts[to.0].max(input + 1);
    }

    pub fn source(&mut self, source: impl Source + 'static) -> NodeId {
        self.push(Node::Source(Box::new(source)))
    }

    /// A single-input operator on the main output of `input`.
    pub fn operator(&mut self, input: NodeId, operator: impl Operator + 'static) -> NodeId {
        let id = self.push(Node::Operator(Box::new(operator)));
        self.connect(input, id, 0, None);
        id
    }

    /// An operator on several upstream nodes: `(node, input index, side output tag or None)`.
    /// A union lists all its inputs as input 0; connected streams use inputs 0 and 1.
    pub fn operator_on(&mut self, inputs: &[(NodeId, usize, Option<&str>)], operator: impl Operator + 'static) -> NodeId {
        let id = self.push(Node::Operator(Box::new(operator)));
        for &(from, input, port) in inputs {
            self.connect(from, id, input, port);
        }
        id
    }

    pub fn build(self) -> Result<Pipeline> {
        let mut upstream_edges = vec![0usize; self.nodes.len()];
        for edges in &self.edges {
            for e in edges {
                upstream_edges[e.to] += 1;
            }
        }
        for (i, node) in self.nodes.iter().enumerate() {
            if matches!(node, Node::Operator(_)) && upstream_edges[i] == 0 {
                return Err(JobError::Internal(format!("operator {i} has no input")));
            }
        }
        // A union's several edges share one input index: its watermark is the minimum over edges.
        let edge_watermarks = self
            .edges
            .iter()
            .map(|edges| edges.iter().map(|_| i64::MIN).collect())
            .collect();
        Ok(Pipeline {
            nodes: self.nodes,
            edges: self.edges,
            edge_watermarks,
            watermarks: vec![i64::MIN; self.input_counts.len()],
            batch_size: DEFAULT_BATCH_SIZE,
        })
    }
}

pub struct Pipeline {
    nodes: Vec<Node>,
    edges: Vec<Vec<Edge>>,
    /// The last watermark sent along each edge (indexed like `edges`).
    edge_watermarks: Vec<Vec<i64>>,
    /// Each node's current event time.
    watermarks: Vec<i64>,
    batch_size: usize,
}

impl Pipeline {
    /// Runs to the end of all (bounded) sources.
    pub fn run(mut self) -> Result<()> {
        for node in &mut self.nodes {
            match node {
                Node::Source(s) => s.on_start()?,
                Node::Operator(o) => o.on_start()?,
            }
        }
        let mut live: Vec<usize> =
            (0..self.nodes.len()).filter(|&i| matches!(self.nodes[i], Node::Source(_))).collect();
        let sources = live.clone();
        while !live.is_empty() {
            let mut still_live = Vec::with_capacity(live.len());
            for &source in &live {
                let mut batch = Vec::with_capacity(self.batch_size);
                let more = match &mut self.nodes[source] {
                    Node::Source(s) => s.next_batch(self.batch_size, &mut batch)?,
                    Node::Operator(_) => false,
                };
                if !batch.is_empty() {
                    self.emit(source, None, batch)?;
                }
                if more {
                    still_live.push(source);
                }
            }
            live = still_live;
            if !live.is_empty() {
                self.processing_time(now_millis())?;
            }
        }
        for &source in &sources {
            self.advance_watermark(source, i64::MAX)?;
        }
        // Due processing-time timers fire once more after the final watermark (pending future ones
        // are dropped when the job ends), as in Flink.
        self.processing_time(now_millis())?;
        for node in 0..self.nodes.len() {
            let mut out = Vec::new();
            match &mut self.nodes[node] {
                Node::Operator(op) => op.on_close(&mut out)?,
                Node::Source(s) => s.on_close()?,
            }
            self.after_hook(node, out)?;
        }
        Ok(())
    }

    /// Sends `batch` from `from`'s output `port` to every consumer of that port.
    fn emit(&mut self, from: usize, port: Option<&str>, batch: Batch) -> Result<()> {
        let targets: Vec<(usize, usize)> = self.edges[from]
            .iter()
            .filter(|e| e.port.as_deref() == port)
            .map(|e| (e.to, e.input))
            .collect();
        let last = targets.len().saturating_sub(1);
        let mut batch = Some(batch);
        for (i, (to, input)) in targets.into_iter().enumerate() {
            let records = if i == last { batch.take().unwrap_or_default() } else { batch.clone().unwrap_or_default() };
            let mut out = Vec::with_capacity(records.len());
            let (generated, within) = match &mut self.nodes[to] {
                Node::Operator(op) => {
                    op.process_input(input, records, &mut out)?;
                    (op.generated_watermark(), op.take_watermarks_within_batch())
                }
                Node::Source(_) => (None, Vec::new()),
            };
            // Watermarks generated mid-batch go out between the records they follow and the rest.
            let mut emitted = 0;
            for (position, watermark) in within {
                let rest = out.split_off(position.saturating_sub(emitted).min(out.len()));
                emitted += out.len();
                self.after_hook(to, std::mem::replace(&mut out, rest))?;
                self.forward_watermark(to, watermark)?;
            }
            self.after_hook(to, out)?;
            if let Some(watermark) = generated {
                self.forward_watermark(to, watermark)?;
            }
        }
        Ok(())
    }

    /// Pushes what a hook produced: side outputs first (they belong to the same records), then main.
    fn after_hook(&mut self, node: usize, out: Batch) -> Result<()> {
        let sides = match &mut self.nodes[node] {
            Node::Operator(op) => op.take_side_outputs(),
            Node::Source(_) => Vec::new(),
        };
        for (tag, batch) in sides {
            if !batch.is_empty() {
                self.emit(node, Some(&tag), batch)?;
            }
        }
        if !out.is_empty() {
            self.emit(node, None, out)?;
        }
        Ok(())
    }

    /// `node` emits `watermark` downstream (if it is an advance).
    fn forward_watermark(&mut self, node: usize, watermark: i64) -> Result<()> {
        for e in 0..self.edges[node].len() {
            if self.edge_watermarks[node][e] >= watermark {
                continue;
            }
            self.edge_watermarks[node][e] = watermark;
            let to = self.edges[node][e].to;
            let combined = self.input_watermark(to);
            self.advance_watermark(to, combined)?;
        }
        Ok(())
    }

    /// The minimum over the watermarks of all edges into `node`.
    fn input_watermark(&self, node: usize) -> i64 {
        let mut min = i64::MAX;
        let mut any = false;
        for (from, edges) in self.edges.iter().enumerate() {
            for (e, edge) in edges.iter().enumerate() {
                if edge.to == node {
                    any = true;
                    min = min.min(self.edge_watermarks[from][e]);
                }
            }
        }
        if any { min } else { i64::MIN }
    }

    /// `node`'s event time is now `watermark`: run its hook and pass the watermark on.
    fn advance_watermark(&mut self, node: usize, watermark: i64) -> Result<()> {
        if watermark <= self.watermarks[node] {
            return Ok(());
        }
        self.watermarks[node] = watermark;
        let mut out = Vec::new();
        let forwards = match &mut self.nodes[node] {
            Node::Operator(op) => {
                op.on_watermark(watermark, &mut out)?;
                op.forwards_watermarks() || watermark == i64::MAX
            }
            Node::Source(_) => true,
        };
        self.after_hook(node, out)?;
        if forwards {
            self.forward_watermark(node, watermark)?;
        }
        Ok(())
    }

    fn processing_time(&mut self, now: i64) -> Result<()> {
        for node in 0..self.nodes.len() {
            let mut out = Vec::new();
            if let Node::Operator(op) = &mut self.nodes[node] {
                op.on_processing_time(now, &mut out)?;
            }
            self.after_hook(node, out)?;
        }
        Ok(())
    }
}
