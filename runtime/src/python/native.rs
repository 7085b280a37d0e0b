//! The bridge between the job script and the compiled pipelines.
//!
//! A generated binary describes itself as a `Program`: the job's source, its sibling modules, and one
//! `JobSpec` per `env.execute()` the script makes, each with the shape hash it was compiled from and
//! the generated function that builds its pipeline. `launch` runs the script; the shim's `execute()`
//! calls back into `Native::execute` with the run's values and Python objects (`JobBindings`).

use std::collections::VecDeque;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvError};
use std::sync::Mutex;
use std::thread::JoinHandle;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use sluice_types::TypeInfo;

use super::convert::{from_py, to_py};
use super::udf::PyFunction;
use super::{install_modules, EmbeddedModule};
use crate::error::{JobError, Result};
use crate::pipeline::Pipeline;
use crate::record::{Batch, Record};
use crate::table::collect_sink::CollectSender;
use crate::value::Value;

/// Builds one job's pipeline from the values and objects of this run.
pub type BuildFn = for<'a, 'py> fn(&'a mut JobBindings<'py>) -> Result<Pipeline>;

pub struct JobSpec {
    pub name: &'static str,
    pub shape_hash: &'static str,
    pub build: BuildFn,
}

pub struct Program {
    /// The job file's absolute path at build time (tracebacks name it).
    pub job_file: &'static str,
    pub job_source: &'static str,
    /// The job's sibling modules, importable by name.
    pub modules: &'static [EmbeddedModule],
    pub jobs: &'static [JobSpec],
    /// Site-packages directories of the Python the job was built with (see `launch`).
    pub site_dirs: &'static [&'static str],
    /// The job's connector tables and the options `--set` may override (for `--help`).
    pub tables: &'static [TableSettings],
}

/// A connector table as `--help` lists it: its options as built (secrets shown as `***`).
pub struct TableSettings {
    pub name: &'static str,
    pub connector: &'static str,
    pub options: &'static [(&'static str, &'static str)],
}

/// The values and Python objects the script supplied for one job's nodes, by node id.
pub struct JobBindings<'py> {
    py: Python<'py>,
    nodes: Vec<Bound<'py, PyDict>>,
    /// Under `collect()`: where the job's collect sink sends its rows.
    collect: Option<CollectSender>,
    /// The row type the collect sink declared (its rows' field types) and its column names.
    collect_type: Option<(TypeInfo, Vec<String>)>,
}

impl<'py> JobBindings<'py> {
    fn new(list: &Bound<'py, PyList>) -> PyResult<Self> {
        let nodes = list
            .iter()
            .map(|n| n.downcast_into::<PyDict>().map_err(PyErr::from))
            .collect::<PyResult<_>>()?;
        Ok(JobBindings {
            py: list.py(),
            nodes,
            collect: None,
            collect_type: None,
        })
    }

    /// The channel of `collect()`'s iterator, for the job's collect sink; `row` is the type of the
    /// rows it sends, `names` their columns'.
    pub fn collector(&mut self, row: TypeInfo, names: &[&str]) -> Result<CollectSender> {
        let sender = self
            .collect
            .clone()
            .ok_or_else(|| JobError::Internal("a collect sink in a job not run by collect()".into()))?;
        self.collect_type = Some((row, names.iter().map(|n| n.to_string()).collect()));
        Ok(sender)
    }

    pub fn py(&self) -> Python<'py> {
        self.py
    }

    fn node(&self, node: usize) -> Result<&Bound<'py, PyDict>> {
        self.nodes
            .get(node)
            .ok_or_else(|| JobError::Internal(format!("the script built no node {node}")))
    }

    fn value(&self, node: usize, name: &str) -> Result<Bound<'py, PyAny>> {
        let values = self
            .node(node)?
            .get_item("values")
            .map_err(|e| JobError::Internal(e.to_string()))?;
        values
            .and_then(|v| v.get_item(name).ok())
            .ok_or_else(|| JobError::Internal(format!("node {node} has no value '{name}'")))
    }

    pub fn int(&self, node: usize, name: &str) -> Result<i64> {
        self.value(node, name)?
            .extract::<i64>()
            .map_err(|e| JobError::User(format!("node {node}: '{name}' must be an integer: {e}")))
    }

    /// The user function of a node; `method` as in `PyFunction::new`.
    pub fn udf(&self, node: usize, method: Option<&str>, label: &str) -> Result<PyFunction> {
        let object = self
            .node(node)?
            .get_item("udf")
            .ok()
            .flatten()
            .filter(|o| !o.is_none())
            .ok_or_else(|| JobError::Internal(format!("node {node} has no function")))?;
        PyFunction::new(&object, method, label.to_string())
            .map_err(|e| JobError::User(format!("{label}: {e}")))
    }

    /// A list of strings (file paths, ...).
    pub fn strings(&self, node: usize, name: &str) -> Result<Vec<String>> {
        self.value(node, name)?
            .extract::<Vec<String>>()
            .map_err(|e| JobError::User(format!("node {node}: '{name}' must be a list of strings: {e}")))
    }

    /// A string (a connector's bootstrap servers, a topic, ...); `what` names it in errors.
    pub fn string(&self, node: usize, name: &str, what: &str) -> Result<String> {
        self.value(node, name)?
            .extract::<String>()
            .map_err(|e| JobError::User(format!("{what} must be a string: {e}")))
    }

    /// A string the script may leave unset (None).
    pub fn optional_string(&self, node: usize, name: &str, what: &str) -> Result<Option<String>> {
        self.value(node, name)?
            .extract::<Option<String>>()
            .map_err(|e| JobError::User(format!("{what} must be a string: {e}")))
    }

    /// `(key, value)` string pairs (a connector's client properties).
    pub fn string_pairs(&self, node: usize, name: &str, what: &str) -> Result<Vec<(String, String)>> {
        self.value(node, name)?
            .extract::<Vec<(String, String)>>()
            .map_err(|e| JobError::User(format!("{what} must be pairs of strings: {e}")))
    }

    /// `(topic, partition, offset)` triples (a Kafka source's starting offsets).
    pub fn topic_offsets(&self, node: usize, name: &str, what: &str) -> Result<Vec<(String, i32, i64)>> {
        self.value(node, name)?
            .extract::<Vec<(String, i32, i64)>>()
            .map_err(|e| JobError::User(format!("{what} must map KafkaTopicPartitions to int offsets: {e}")))
    }

    /// A Python object the script passed as one of a node's values (a window function, a session gap
    /// extractor), as a function handle.
    pub fn udf_value(&self, node: usize, name: &str, method: Option<&str>, label: &str) -> Result<PyFunction> {
        let object = self.value(node, name)?;
        if object.is_none() {
            return Err(JobError::Internal(format!("node {node} has no '{name}'")));
        }
        PyFunction::new(&object, method, label.to_string()).map_err(|e| JobError::User(format!("{label}: {e}")))
    }

    /// A collection's elements converted to the declared element type.
    pub fn elements(&self, node: usize, ty: &TypeInfo, label: &str) -> Result<Vec<Value>> {
        let list = self.value(node, "elements")?;
        let mut out = Vec::new();
        for (i, item) in list
            .try_iter()
            .map_err(|e| JobError::Internal(e.to_string()))?
            .enumerate()
        {
            let item = item.map_err(|e| JobError::Internal(e.to_string()))?;
            match from_py(&item, ty).map_err(|e| JobError::Internal(e.to_string()))? {
                Ok(v) => out.push(v),
                Err(e) => {
                    return Err(JobError::User(format!(
                        "{label}: element {i} does not match type_info: {e}"
                    )))
                }
            }
        }
        Ok(out)
    }
}

#[pyclass(module = "_sluice_native", name = "Native")]
struct Native {
    program: &'static Program,
}

fn job_failed(py: Python<'_>, name: &str, error: &JobError) -> PyErr {
    let message = format!("job '{name}' failed: {error}");
    match py
        .import("_sluice.errors")
        .and_then(|m| m.getattr("JobFailed"))
    {
        Ok(class) => PyErr::from_value(
            class
                .call1((message,))
                .unwrap_or_else(|e| e.into_value(py).into_bound(py).into_any()),
        ),
        Err(_) => PyRuntimeError::new_err(message),
    }
}

#[pymethods]
impl Native {
    fn expected_shape(&self, index: usize) -> Option<&'static str> {
        self.program.jobs.get(index).map(|j| j.shape_hash)
    }

    fn job_count(&self) -> usize {
        self.program.jobs.len()
    }

    fn execute(&self, py: Python<'_>, index: usize, bindings: &Bound<'_, PyList>) -> PyResult<()> {
        let spec = self
            .program
            .jobs
            .get(index)
            .ok_or_else(|| PyRuntimeError::new_err(format!("no compiled job #{index}")))?;
        let pipeline = {
            let mut b = JobBindings::new(bindings)?;
            (spec.build)(&mut b).map_err(|e| job_failed(py, spec.name, &e))?
        };
        py.detach(|| pipeline.run())
            .map_err(|e| job_failed(py, spec.name, &e))
    }

    /// Runs job `index` on its own thread for `TableResult.collect()`, returning the iterator over
    /// its rows.
    fn execute_collect(&self, py: Python<'_>, index: usize, bindings: &Bound<'_, PyList>) -> PyResult<CollectedRows> {
        let spec = self
            .program
            .jobs
            .get(index)
            .ok_or_else(|| PyRuntimeError::new_err(format!("no compiled job #{index}")))?;
        // A few batches in flight: the job runs ahead of the script, not unboundedly.
        let (sender, receiver) = std::sync::mpsc::sync_channel(4);
        let (pipeline, (row_type, field_names)) = {
            let mut b = JobBindings::new(bindings)?;
            b.collect = Some(sender);
            let pipeline = (spec.build)(&mut b).map_err(|e| job_failed(py, spec.name, &e))?;
            (pipeline, b.collect_type.take().unwrap_or((TypeInfo::Pickled, Vec::new())))
        };
        let job = std::thread::Builder::new()
            .name("sluice-collect".into())
            .spawn(move || pipeline.run())
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the job's thread: {e}")))?;
        Ok(CollectedRows { receiver: Some(Mutex::new(receiver)), pending: VecDeque::new(), job: Some(job), row_type, field_names, name: spec.name })
    }
}

/// The rows of a job run by `collect()`, as PyFlink `Row`s with their row kinds (without field
/// names, as PyFlink's). The shim's `CloseableIterator` wraps it.
#[pyclass(module = "_sluice_native", name = "CollectedRows")]
struct CollectedRows {
    /// In a mutex only for `Sync` (pyclasses must be); one thread iterates.
    receiver: Option<Mutex<Receiver<Batch>>>,
    pending: VecDeque<Record>,
    job: Option<JoinHandle<Result<()>>>,
    row_type: TypeInfo,
    /// The columns' names (for `to_pandas()`).
    #[pyo3(get)]
    field_names: Vec<String>,
    name: &'static str,
}

#[pymethods]
impl CollectedRows {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        loop {
            if let Some(record) = self.pending.pop_front() {
                return to_py(py, &record.value, &self.row_type).map(Some);
            }
            let Some(receiver) = self.receiver.take() else { return Ok(None) };
            let (receiver, received) = py.detach(move || {
                let received = receiver.lock().map_err(|_| RecvError).and_then(|r| r.recv());
                (receiver, received)
            });
            match received {
                Ok(batch) => {
                    self.pending.extend(batch);
                    self.receiver = Some(receiver);
                }
                // The job ended: its error, if any, is the iteration's.
                Err(_) => {
                    let Some(job) = self.job.take() else { return Ok(None) };
                    return match py.detach(move || job.join()) {
                        Ok(Ok(())) => Ok(None),
                        Ok(Err(e)) => Err(job_failed(py, self.name, &e)),
                        Err(_) => Err(PyRuntimeError::new_err(format!("job '{}' failed: its thread panicked (a sluice bug)", self.name))),
                    };
                }
            }
        }
    }

    /// Stops iterating: the job ends at its next batch (its thread is not waited for).
    fn close(&mut self) {
        self.receiver = None;
        self.pending.clear();
        self.job = None;
    }
}

/// Third-party packages: the site directories of the build's Python (a venv's, when the job was built
/// with one) that exist here, or those of the Python named by `PYFLINK_PYTHON` (PyFlink's variable for
/// the Python that runs UDFs), e.g. a venv in a container.
fn add_site_dirs(py: Python<'_>, built_with: &[&str]) -> PyResult<()> {
    let site = py.import("site")?;
    let dirs: Vec<String> = match std::env::var("PYFLINK_PYTHON") {
        Ok(python) if !python.is_empty() => {
            let query = "import site, json; print(json.dumps(site.getsitepackages()))";
            match std::process::Command::new(&python).args(["-c", query]).output() {
                Ok(out) if out.status.success() => serde_json::from_slice(&out.stdout).unwrap_or_default(),
                _ => {
                    eprintln!("warning: PYFLINK_PYTHON={python} could not be run; using the build's packages");
                    built_with.iter().map(|d| d.to_string()).collect()
                }
            }
        }
        _ => built_with.iter().map(|d| d.to_string()).collect(),
    };
    for dir in dirs.iter().filter(|d| std::path::Path::new(d).is_dir()) {
        site.getattr("addsitedir")?.call1((dir,))?;
    }
    Ok(())
}

/// Runs the program: the job script as `python job.py ARGS` would, with its jobs compiled.
pub fn launch(program: &'static Program) -> ExitCode {
    let (args, help) = match crate::overrides::take_binary_options(std::env::args().skip(1).collect()) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if help {
        print!("{}", crate::overrides::HELP);
        if !program.tables.is_empty() {
            println!("Tables (options as built; override with --set TABLE.OPTION=VALUE):");
            for table in program.tables {
                println!("  {} ({})", table.name, table.connector);
                for (key, value) in table.options {
                    println!("    {key} = {value}");
                }
            }
        }
        return ExitCode::SUCCESS;
    }
    Python::initialize();
    let outcome = Python::attach(|py| -> PyResult<i32> {
        install_modules(py, program.modules)?;
        add_site_dirs(py, program.site_dirs)?;
        let native = Py::new(py, Native { program })?;
        let run = py.import("_sluice.run")?.getattr("run")?;
        run.call1((program.job_file, program.job_source, args, native))?
            .extract::<i32>()
    });
    match outcome {
        Ok(code) => ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1)),
        Err(err) => {
            Python::attach(|py| eprint!("{}", super::format_traceback(py, &err)));
            eprintln!("error: the sluice runtime could not start the job (a sluice bug, please report it)");
            ExitCode::from(70)
        }
    }
}
