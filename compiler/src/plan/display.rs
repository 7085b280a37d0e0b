//! `Display` of the plan: what `sluice explain` prints, one line per operator.

use std::fmt;

use super::{JobPlan, Plan, PlanNode, Site, StreamOp, Udf};

impl fmt::Display for Site {
    /// `job.py:40:10`, with a 1-based column as editors show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.span.line, self.span.col + 1)
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, job) in self.jobs.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{job}")?;
        }
        for module in &self.modules {
            writeln!(f, "module {} ({})", module.name, module.file)?;
        }
        Ok(())
    }
}

impl fmt::Display for JobPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "job {:?} (shape {}", self.name, self.shape_hash)?;
        if let Some(site) = &self.execute_site {
            write!(f, ", executed at {site}")?;
        }
        writeln!(f, ")")?;
        let parallelism = self
            .config
            .parallelism
            .map_or("default".to_string(), |p| p.to_string());
        writeln!(
            f,
            "  config: parallelism={parallelism} runtime_mode={}",
            self.config.runtime_mode
        )?;
        for node in &self.nodes {
            writeln!(f, "  {node}")?;
        }
        Ok(())
    }
}

fn udf(f: &mut fmt::Formatter<'_>, label: &str, udf: &Udf) -> fmt::Result {
    write!(f, " {label}={}", udf.display_name())?;
    match (&udf.source, udf.kind) {
        (Some(source), super::UdfKind::Lambda) => write!(
            f,
            " `{}`",
            source.split_whitespace().collect::<Vec<_>>().join(" ")
        )?,
        _ => {
            if let Some(location) = udf.location() {
                write!(f, " ({location})")?;
            }
        }
    }
    Ok(())
}

impl fmt::Display for PlanNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inputs: Vec<String> = self.inputs.iter().map(|i| format!("#{i}")).collect();
        let keyed = |k: bool| if k { ", keyed" } else { "" };
        write!(f, "#{} ", self.id)?;
        match &self.op {
            StreamOp::NumberSequenceSource { name, watermark } => write!(
                f,
                "NumberSequenceSource name={name:?} watermark={}",
                watermark.kind
            )?,
            StreamOp::CollectionSource { element_count } => {
                write!(f, "CollectionSource")?;
                if let Some(count) = element_count {
                    write!(f, " elements={count}")?;
                }
            }
            StreamOp::Map { udf: u, keyed: k } => {
                write!(f, "Map({}{})", inputs.join(", "), keyed(*k))?;
                udf(f, "udf", u)?
            }
            StreamOp::FlatMap { udf: u, keyed: k } => {
                write!(f, "FlatMap({}{})", inputs.join(", "), keyed(*k))?;
                udf(f, "udf", u)?
            }
            StreamOp::Filter { udf: u, keyed: k } => {
                write!(f, "Filter({}{})", inputs.join(", "), keyed(*k))?;
                udf(f, "udf", u)?
            }
            StreamOp::KeyBy { selector, key_type } => {
                write!(f, "KeyBy({})", inputs.join(", "))?;
                udf(f, "selector", selector)?;
                if let Some(ty) = key_type {
                    write!(f, " key_type={ty}")?;
                }
            }
            StreamOp::Reduce { udf: u } => {
                write!(f, "Reduce({}, keyed)", inputs.join(", "))?;
                udf(f, "udf", u)?
            }
            StreamOp::Process { udf: u, keyed: k, side_outputs } => {
                write!(f, "Process({}{})", inputs.join(", "), keyed(*k))?;
                udf(f, "udf", u)?;
                for s in side_outputs {
                    write!(f, " side_output[{}]={}", s.tag, s.ty)?;
                }
            }
            StreamOp::AssignTimestamps { assigner, watermark } => {
                write!(f, "AssignTimestamps({}) watermark={}", inputs.join(", "), watermark.kind)?;
                if watermark.max_out_of_orderness_ms > 0 {
                    write!(f, "({} ms)", watermark.max_out_of_orderness_ms)?;
                }
                if let Some(a) = assigner {
                    udf(f, "assigner", a)?;
                }
            }
            StreamOp::Union => write!(f, "Union({})", inputs.join(", "))?,
            StreamOp::FileLinesSource { name, charset } => write!(f, "FileLinesSource name={name:?} charset={charset}")?,
            StreamOp::SideOutputOf { tag } => write!(f, "SideOutput({}) tag={tag:?}", inputs.join(", "))?,
            StreamOp::Connected { udf: u, kind, keyed: k, side_outputs } => {
                write!(f, "Co{kind:?}({}{})", inputs.join(", "), keyed(*k))?;
                udf(f, "udf", u)?;
                for s in side_outputs {
                    write!(f, " side_output[{}]={}", s.tag, s.ty)?;
                }
            }
            StreamOp::Window(w) => {
                write!(f, "Window({}{}) assigner={:?}", inputs.join(", "), keyed(w.keyed), w.assigner)?;
                if let Some(t) = &w.trigger {
                    write!(f, " trigger={t:?}")?;
                }
                if w.allowed_lateness_ms > 0 {
                    write!(f, " allowed_lateness={}ms", w.allowed_lateness_ms)?;
                }
                if let Some(tag) = &w.late_tag {
                    write!(f, " late_data[{}]={}", tag.tag, tag.ty)?;
                }
                write!(f, " {:?}", w.function)?;
                udf(f, "udf", &w.udf)?;
                if let Some(m) = &w.window_function {
                    write!(f, " window_function.{m}")?;
                }
            }
            StreamOp::Collect => write!(f, "Collect({})", inputs.join(", "))?,
            StreamOp::FileSink(spec) => write!(
                f,
                "FileSink({}) parts={}-<uuid>-<n>{} bucket={}",
                inputs.join(", "),
                spec.prefix,
                spec.suffix,
                spec.bucket_format.as_deref().unwrap_or("<base path>")
            )?,
            StreamOp::Print { identifier, parallelism, .. } => {
                write!(f, "Print({})", inputs.join(", "))?;
                if let Some(id) = identifier {
                    write!(f, " identifier={id:?}")?;
                }
                match parallelism {
                    0 => write!(f, " parallelism=cores")?,
                    1 => {}
                    p => write!(f, " parallelism={p}")?,
                }
            }
            StreamOp::KafkaSource(k) => {
                write!(f, "KafkaSource name={:?} schema={:?} start={:?}", k.name, k.schema, k.start)?;
                if k.topic_pattern {
                    write!(f, " topic_pattern")?;
                }
                if k.bounded {
                    write!(f, " bounded")?;
                }
            }
            StreamOp::KafkaSink(k) => {
                write!(f, "KafkaSink({}) value={:?}", inputs.join(", "), k.value)?;
                if let Some(key) = &k.key {
                    write!(f, " key={key:?}")?;
                }
                write!(f, " delivery_guarantee={}", k.delivery_guarantee)?;
            }
            StreamOp::Relational(rel) => {
                if !inputs.is_empty() {
                    write!(f, "({}) ", inputs.join(", "))?;
                }
                write!(f, "{rel}")?;
            }
        }
        write!(f, " -> {}", self.output)?;
        if let Some(site) = &self.site {
            write!(f, "  [{site}]")?;
        }
        Ok(())
    }
}
