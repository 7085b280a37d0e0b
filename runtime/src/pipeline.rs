//! A job's physical pipeline: sources feeding a tree of operators, run as fused loops on one thread.
//!
//! Each source's batch is pushed depth-first through its downstream operators: no channel, no
//! per-record dispatch. A node with several consumers hands each a copy of its output batch. At the end
//! of input the final watermark (`i64::MAX`) and `on_close` travel the same way, as in Flink.

use crate::error::{JobError, Result};
use crate::operator::{Operator, Source};
use crate::record::{Batch, DEFAULT_BATCH_SIZE};

/// Index of a node in a pipeline under construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeId(usize);

enum Node {
    Source(Box<dyn Source>),
    Operator(Box<dyn Operator>),
}

#[derive(Default)]
pub struct PipelineBuilder {
    nodes: Vec<Node>,
    children: Vec<Vec<usize>>,
    has_input: Vec<bool>,
}

impl PipelineBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.children.push(Vec::new());
        self.has_input.push(false);
        NodeId(self.nodes.len() - 1)
    }

    pub fn source(&mut self, source: impl Source + 'static) -> NodeId {
        self.push(Node::Source(Box::new(source)))
    }

    pub fn operator(&mut self, input: NodeId, operator: impl Operator + 'static) -> NodeId {
        let id = self.push(Node::Operator(Box::new(operator)));
        self.children[input.0].push(id.0);
        self.has_input[id.0] = true;
        id
    }

    pub fn build(self) -> Result<Pipeline> {
        for (i, node) in self.nodes.iter().enumerate() {
            if matches!(node, Node::Operator(_)) && !self.has_input[i] {
                return Err(JobError::Internal(format!("operator {i} has no input")));
            }
        }
        Ok(Pipeline {
            nodes: self.nodes,
            children: self.children,
            batch_size: DEFAULT_BATCH_SIZE,
        })
    }
}

pub struct Pipeline {
    nodes: Vec<Node>,
    children: Vec<Vec<usize>>,
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
        let sources: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| matches!(self.nodes[i], Node::Source(_)))
            .collect();
        for &source in &sources {
            loop {
                let mut batch = Vec::with_capacity(self.batch_size);
                let more = match &mut self.nodes[source] {
                    Node::Source(s) => s.next_batch(self.batch_size, &mut batch)?,
                    Node::Operator(_) => false,
                };
                if !batch.is_empty() {
                    self.push_downstream(source, batch)?;
                }
                if !more {
                    break;
                }
            }
        }
        for &source in &sources {
            self.end_of_input(source)?;
        }
        Ok(())
    }

    fn push_downstream(&mut self, from: usize, batch: Batch) -> Result<()> {
        let children = self.children[from].clone();
        let last = children.len().saturating_sub(1);
        let mut batch = Some(batch);
        for (i, child) in children.into_iter().enumerate() {
            let input = if i == last {
                batch.take().unwrap_or_default()
            } else {
                batch.clone().unwrap_or_default()
            };
            let mut out = Vec::with_capacity(input.len());
            if let Node::Operator(op) = &mut self.nodes[child] {
                op.process(input, &mut out)?;
            }
            if !out.is_empty() {
                self.push_downstream(child, out)?;
            }
        }
        Ok(())
    }

    /// Final watermark then close, node by node in topological order below `from`.
    fn end_of_input(&mut self, from: usize) -> Result<()> {
        for child in self.children[from].clone() {
            let mut out = Vec::new();
            if let Node::Operator(op) = &mut self.nodes[child] {
                op.on_watermark(i64::MAX, &mut out)?;
            }
            if !out.is_empty() {
                self.push_downstream(child, out)?;
            }
            let mut out = Vec::new();
            if let Node::Operator(op) = &mut self.nodes[child] {
                op.on_close(&mut out)?;
            }
            if !out.is_empty() {
                self.push_downstream(child, out)?;
            }
            self.end_of_input(child)?;
        }
        Ok(())
    }
}
