//! Deploy-time settings of a job binary: connector options overridden without a rebuild, and secrets
//! kept out of binaries and images.
//!
//! - `--set TABLE.OPTION=VALUE` on the binary's command line (taken out before the job script sees
//!   its arguments), e.g. `--set cdn_access_statistic.password=...`;
//! - the environment: `SLUICE_<TABLE>_<OPTION>` (upper case, non-alphanumerics as `_`), e.g.
//!   `SLUICE_CDN_ACCESS_STATISTIC_PASSWORD`;
//! - `${NAME}` inside an option value in the DDL, replaced from the environment when the job starts.
//!
//! `--set` wins over the environment, which wins over the DDL.

use std::collections::HashMap;
use std::sync::OnceLock;

static SETTINGS: OnceLock<HashMap<String, String>> = OnceLock::new();

/// Splits the binary's own options from the job's arguments. `--` ends the binary's options.
pub fn take_binary_options(args: Vec<String>) -> Result<(Vec<String>, bool), String> {
    let mut job_args = Vec::with_capacity(args.len());
    let mut settings = HashMap::new();
    let mut help = false;
    let mut iter = args.into_iter();
    while let Some(arg) = iter.next() {
        if arg == "--" {
            job_args.extend(iter.by_ref());
            break;
        } else if arg == "--help" || arg == "-h" {
            help = true;
        } else if arg == "--metrics-port" || arg.starts_with("--metrics-port=") {
            let port = match arg.strip_prefix("--metrics-port=") {
                Some(p) => p.to_string(),
                None => iter.next().ok_or("--metrics-port needs a port number")?,
            };
            if port.parse::<u16>().is_err() {
                return Err(format!("--metrics-port {port}: expected a port number (0-65535)"));
            }
            // Read by the harness when the job starts (the same as setting it in the environment);
            // set while the process is still single-threaded.
            std::env::set_var("SLUICE_METRICS_PORT", port);
        } else if arg == "--set" || arg.starts_with("--set=") {
            let setting = match arg.strip_prefix("--set=") {
                Some(s) => s.to_string(),
                None => iter.next().ok_or("--set needs TABLE.OPTION=VALUE")?,
            };
            let (key, value) = setting
                .split_once('=')
                .ok_or_else(|| format!("--set {setting}: expected TABLE.OPTION=VALUE"))?;
            if !key.contains('.') {
                return Err(format!("--set {setting}: the key names a table and an option, as TABLE.OPTION"));
            }
            settings.insert(key.to_string(), value.to_string());
        } else {
            job_args.push(arg);
        }
    }
    let _ = SETTINGS.set(settings);
    Ok((job_args, help))
}

fn env_name(table: &str, option: &str) -> String {
    let raw = format!("SLUICE_{table}_{option}");
    raw.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' }).collect()
}

/// `${NAME}` references replaced from the environment (unset names become empty, with a warning).
pub fn expand_env(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start + 2..].find('}') {
            Some(end) => {
                let name = &rest[start + 2..start + 2 + end];
                match std::env::var(name) {
                    Ok(v) => out.push_str(&v),
                    Err(_) => eprintln!("warning: ${{{name}}} is not set in the environment"),
                }
                rest = &rest[start + 3 + end..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The effective value of a table's option: `--set`, then the environment, then the DDL's value
/// (with `${NAME}` expanded). `aliases` are other names of the option (legacy `connector.*` keys).
pub fn table_option(table: &str, option: &str, aliases: &[&str], ddl_value: Option<&str>) -> Option<String> {
    let settings = SETTINGS.get();
    for name in std::iter::once(option).chain(aliases.iter().copied()) {
        if let Some(v) = settings.and_then(|s| s.get(&format!("{table}.{name}"))) {
            return Some(v.clone());
        }
        if let Ok(v) = std::env::var(env_name(table, name)) {
            return Some(v);
        }
    }
    ddl_value.map(expand_env)
}

pub const HELP: &str = "\
This binary is a sluice-compiled PyFlink job. Arguments are the job's (as `python job.py ARGS`),
except these options of the binary itself:
  --set TABLE.OPTION=VALUE   override a connector option without rebuilding
                             (e.g. --set sink_table.password=...)
  --metrics-port PORT        serve UDF metrics (Prometheus text) on 127.0.0.1:PORT
  --help, -h                 this text (the job's own help: BINARY -- --help)
  --                         every argument after it goes to the job
Environment:
  SLUICE_<TABLE>_<OPTION>    the same override, e.g. SLUICE_SINK_TABLE_PASSWORD
  ${NAME} in a DDL option value is read from the environment when the job starts
  SLUICE_METRICS_PORT        the same as --metrics-port
  PYFLINK_PYTHON             a Python (venv) whose packages the job imports
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_and_expansion() {
        assert_eq!(env_name("cdn_access_statistic", "password"), "SLUICE_CDN_ACCESS_STATISTIC_PASSWORD");
        assert_eq!(env_name("t", "connector.password"), "SLUICE_T_CONNECTOR_PASSWORD");
        std::env::set_var("SLUICE_TEST_EXPAND", "s3cr3t");
        assert_eq!(expand_env("user=${SLUICE_TEST_EXPAND};x"), "user=s3cr3t;x");
        assert_eq!(expand_env("no refs"), "no refs");
        assert_eq!(expand_env("open ${brace"), "open ${brace");
    }
}
