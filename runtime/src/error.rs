//! Errors of a running job, in the categories the user needs to tell apart.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum JobError {
    /// A user function raised: the message holds the Python traceback (pointing at the job file).
    #[error("{context}:\n{traceback}")]
    Python { context: String, traceback: String },
    /// The job's data or definition is wrong in a way only visible at run time.
    #[error("{0}")]
    User(String),
    /// Something sluice does not support, discovered at run time.
    #[error("{0} is not supported by sluice yet")]
    Unsupported(String),
    /// The generated code and the job disagree, or an invariant broke: a sluice bug.
    #[error("internal error (a sluice bug, please report it): {0}")]
    Internal(String),
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = JobError> = std::result::Result<T, E>;
