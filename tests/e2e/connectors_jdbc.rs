//! The JDBC sink against real databases: SQLite (embedded), MariaDB and PostgreSQL on loopback
//! (`tests/services.sh start` brings them up; these tests start them through it when they are not
//! listening, and fail loudly when that is impossible). A CDN-style aggregation over a generated CSV
//! file is written through the sink and the table must end with exactly the per-group figures this
//! test computes itself from the same file. MariaDB also goes away mid-run (behind a proxy the test
//! cuts) and every row must still arrive once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use sluice_e2e::{build, listening, run_binary, scratch_dir, text, workspace_root};

/// Per-uri (count, sum of sizes, speed) as Flink computes them, from the CSV text.
pub(crate) type Expected = BTreeMap<String, (i64, i64, f64)>;

/// MariaDB and PostgreSQL, started by `tests/services.sh` if they are not listening.
pub fn ensure_databases() {
    static ONCE: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    ONCE.get_or_init(|| {
        if listening(3306) && listening(5432) {
            return;
        }
        let status = Command::new("bash")
            .arg(workspace_root().join("tests/services.sh"))
            .arg("start")
            .env("SLUICE_SKIP_KAFKA", "1")
            .status()
            .expect("bash runs");
        assert!(
            status.success() && listening(3306) && listening(5432),
            "the JDBC tests need MariaDB on 127.0.0.1:3306 and PostgreSQL on 127.0.0.1:5432; \
             tests/services.sh start could not provide them"
        );
    });
}

/// A CSV of access logs (with one malformed row the source skips) and what the job must compute.
fn access_log(dir: &Path, rows: usize) -> (PathBuf, Expected) {
    let uris = [
        "/index.html",
        "/js/app.js",
        "/video/a.mp4",
        "/img/logo.png",
        "/dl/pkg.tar.gz",
    ];
    let mut csv = String::new();
    let mut sums: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let mut state: u64 = 42;
    for i in 0..rows {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let uri = uris[usize::try_from(state >> 61).unwrap_or(0) % uris.len()];
        let time = i64::try_from((state >> 20) % 90 + 1).unwrap_or(1);
        let size = i64::try_from((state >> 30) % 100_000).unwrap_or(0);
        csv.push_str(&format!(
            "{i:04}-u,10.0.{}.{},{time},{size},{uri}\n",
            i % 7,
            i % 11
        ));
        if i == rows / 2 {
            csv.push_str("broken-row,1.2.3.4,7,5,/x,one-field-too-many\n");
        }
        let e = sums.entry(uri.to_string()).or_default();
        *e = (e.0 + 1, e.1 + size, e.2 + time);
    }
    std::fs::create_dir_all(dir).expect("scratch dir");
    let path = dir.join("access_log.csv");
    std::fs::write(&path, csv).expect("write csv");
    #[allow(clippy::cast_precision_loss)]
    let expected = sums
        .into_iter()
        .map(|(k, (n, size, time))| (k, (n, size, size as f64 * 1.0 / time as f64)))
        .collect();
    (path, expected)
}

/// The job: CSV -> group by uri -> count/sum/speed -> the sink table declared by `sink_ddl`.
fn write_job(dir: &Path, csv: &Path, sink_ddl: &str) -> PathBuf {
    let job = format!(
        r#"from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.execute_sql("""
CREATE TABLE access_log (
 uuid VARCHAR,
 client_ip VARCHAR,
 request_time BIGINT,
 response_size BIGINT,
 uri VARCHAR
) WITH (
 'connector' = 'filesystem',
 'path' = '{csv}',
 'format' = 'csv',
 'csv.ignore-parse-errors' = 'true'
)
""")
t_env.execute_sql("""{sink_ddl}""")
t_env.from_path("access_log") \
    .select(col("uuid"), col("uri"), col("response_size"), col("request_time")) \
    .group_by(col("uri")) \
    .select(col("uri"),
            col("uuid").count.alias("access_count"),
            col("response_size").sum.alias("total_download"),
            (col("response_size").sum * lit(1.0) / col("request_time").sum).alias("download_speed")) \
    .execute_insert("stats") \
    .wait()
"#,
        csv = csv.display()
    );
    let path = dir.join("job.py");
    std::fs::write(&path, job).expect("write job");
    path
}

fn sink_ddl(with: &str, primary_key: bool) -> String {
    format!(
        "CREATE TABLE stats (\n uri VARCHAR,\n access_count BIGINT,\n total_download BIGINT,\n \
         download_speed DOUBLE{}\n) WITH (\n{with}\n)",
        if primary_key {
            ",\n PRIMARY KEY (uri) NOT ENFORCED"
        } else {
            ""
        }
    )
}

/// Tab-separated rows `uri, count, total, speed` as a database client printed them.
pub(crate) fn parse_rows(output: &str) -> Expected {
    output
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "row {l:?}");
            (
                f[0].to_string(),
                (
                    f[1].trim().parse().expect("count"),
                    f[2].trim().parse().expect("total"),
                    f[3].trim().parse().expect("speed"),
                ),
            )
        })
        .collect()
}

pub(crate) fn assert_same(actual: &Expected, expected: &Expected) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "groups"
    );
    for (k, (n, total, speed)) in expected {
        let (an, at, aspeed) = actual[k];
        assert_eq!((an, at), (*n, *total), "count/total of {k}");
        assert!(
            (aspeed - speed).abs() <= 1e-9 * speed.abs().max(1.0),
            "speed of {k}: {aspeed} != {speed}"
        );
    }
}

fn sh(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

pub(crate) fn mariadb(sql: &str) -> String {
    sh(
        "mariadb",
        &[
            "-uroot",
            "-h127.0.0.1",
            "-P3306",
            "-N",
            "-B",
            "test",
            "-e",
            sql,
        ],
    )
}

fn psql(sql: &str) -> String {
    sh(
        "psql",
        &[
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "test",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-F",
            "\t",
            "-c",
            sql,
        ],
    )
}

fn run_job(
    name: &str,
    sink_with: &str,
    primary_key: bool,
    rows: usize,
) -> (Expected, std::process::Output) {
    let dir = scratch_dir().join("jdbc").join(name);
    let (csv, expected) = access_log(&dir, rows);
    let job = write_job(&dir, &csv, &sink_ddl(sink_with, primary_key));
    let binary = build(&job, name, &[]);
    let output = run_binary(&binary, &[], &dir);
    (expected, output)
}

#[test]
fn sqlite_sink_upserts_by_the_derived_group_key() {
    let dir = scratch_dir().join("jdbc").join("jdbc_sqlite");
    std::fs::create_dir_all(&dir).expect("dir");
    let db = dir.join("stats.db");
    let _ = std::fs::remove_file(&db);
    let create = format!(
        "import sqlite3; c = sqlite3.connect({db:?}); c.execute('CREATE TABLE access_statistic (uri TEXT, \
         access_count INTEGER, total_download INTEGER, download_speed REAL)'); c.commit()",
        db = db.display().to_string()
    );
    sh("python3", &["-c", &create]);
    let with = format!(
        " 'connector' = 'jdbc',\n 'url' = 'jdbc:sqlite:{}',\n 'table-name' = 'access_statistic',\n \
         'sink.buffer-flush.max-rows' = '7'",
        db.display()
    );
    let (expected, output) = run_job("jdbc_sqlite", &with, false, 300);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let dump = format!(
        "import sqlite3; c = sqlite3.connect({db:?})\nfor r in c.execute('SELECT uri, access_count, \
         total_download, download_speed FROM access_statistic'): print('\\t'.join(map(str, r)))",
        db = db.display().to_string()
    );
    assert_same(&parse_rows(&sh("python3", &["-c", &dump])), &expected);
}

#[test]
fn mysql_sink_with_the_seeds_legacy_options() {
    ensure_databases();
    mariadb(
        "DROP TABLE IF EXISTS access_statistic_legacy; CREATE TABLE access_statistic_legacy (\
         province VARCHAR(64) PRIMARY KEY, access_count BIGINT, total_download BIGINT, download_speed DOUBLE)",
    );
    // The seed's column is `province`; here it holds the uri.
    let with =
        " 'connector.type' = 'jdbc',\n 'connector.url' = 'jdbc:mysql://127.0.0.1:3306/test',\n \
                'connector.table' = 'access_statistic_legacy',\n 'connector.username' = 'root',\n \
                'connector.password' = '',\n 'connector.write.flush.interval' = '1s',\n \
                'connector.write.flush.max-rows' = '50'";
    let dir = scratch_dir().join("jdbc").join("jdbc_mysql_legacy");
    let (csv, expected) = access_log(&dir, 400);
    let ddl = sink_ddl(with, false).replace(
        "uri VARCHAR,\n access_count",
        "province VARCHAR,\n access_count",
    );
    let job = write_job(&dir, &csv, &ddl);
    let binary = build(&job, "jdbc_mysql_legacy", &[]);
    let output = run_binary(&binary, &[], &dir);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows = mariadb("SELECT province, access_count, total_download, download_speed FROM access_statistic_legacy");
    assert_same(&parse_rows(&rows), &expected);
}

#[test]
fn mysql_sink_upserts_into_a_table_without_a_unique_key() {
    ensure_databases();
    mariadb(
        "DROP TABLE IF EXISTS stats_nokey; CREATE TABLE stats_nokey (uri VARCHAR(64), access_count BIGINT, \
         total_download BIGINT, download_speed DOUBLE)",
    );
    let with = " 'connector' = 'jdbc',\n 'url' = 'jdbc:mysql://127.0.0.1:3306/test',\n \
                'table-name' = 'stats_nokey',\n 'username' = 'root',\n 'sink.buffer-flush.max-rows' = '3'";
    let (expected, output) = run_job("jdbc_mysql_nokey", with, true, 200);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows = mariadb("SELECT uri, access_count, total_download, download_speed FROM stats_nokey");
    assert_same(&parse_rows(&rows), &expected);
}

#[test]
fn postgres_sink_with_a_declared_primary_key() {
    ensure_databases();
    psql(
        "DROP TABLE IF EXISTS stats_pg; CREATE TABLE stats_pg (uri TEXT PRIMARY KEY, access_count INTEGER, \
         total_download BIGINT, download_speed DOUBLE PRECISION)",
    );
    let with = " 'connector' = 'jdbc',\n 'url' = 'jdbc:postgresql://127.0.0.1:5432/test',\n \
                'table-name' = 'stats_pg',\n 'username' = 'root',\n 'sink.buffer-flush.max-rows' = '10',\n \
                'sink.buffer-flush.interval' = '200ms',\n 'sink.max-retries' = '2'";
    let (expected, output) = run_job("jdbc_postgres", with, true, 300);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let rows = psql("SELECT uri, access_count, total_download, download_speed FROM stats_pg");
    assert_same(&parse_rows(&rows), &expected);
}

#[test]
fn a_missing_table_is_a_clear_startup_error() {
    ensure_databases();
    psql("DROP TABLE IF EXISTS no_such_table_here");
    let with = " 'connector' = 'jdbc',\n 'url' = 'jdbc:postgresql://127.0.0.1:5432/test',\n \
                'table-name' = 'no_such_table_here',\n 'username' = 'root'";
    let (_, output) = run_job("jdbc_missing_table", with, true, 10);
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no_such_table_here"), "{stderr}");
    assert!(
        stderr.contains("sluice does not create sink tables"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Credentials and locations need not be in the DDL or the binary: `${NAME}` in an option value is
/// read from the environment when the job starts, and `--set TABLE.OPTION=VALUE` overrides it.
#[test]
fn sink_options_from_the_environment_and_set_overrides() {
    let dir = scratch_dir().join("jdbc").join("jdbc_overrides");
    std::fs::create_dir_all(&dir).expect("dir");
    let create = |db: &Path| {
        let _ = std::fs::remove_file(db);
        sh(
            "python3",
            &["-c", &format!(
                "import sqlite3; c = sqlite3.connect({:?}); c.execute('CREATE TABLE access_statistic (uri TEXT, \
                 access_count INTEGER, total_download INTEGER, download_speed REAL)'); c.commit()",
                db.display().to_string()
            )],
        );
    };
    let count = |db: &Path| {
        sh("python3", &["-c", &format!(
            "import sqlite3; print(sqlite3.connect({:?}).execute('SELECT count(*) FROM access_statistic').fetchone()[0])",
            db.display().to_string()
        )])
        .trim()
        .to_string()
    };
    let (from_env, from_set) = (dir.join("env.db"), dir.join("set.db"));
    create(&from_env);
    create(&from_set);
    let (csv, expected) = access_log(&dir, 50);
    let with = " 'connector' = 'jdbc',\n 'url' = 'jdbc:sqlite:${SLUICE_TEST_STATS_DB}',\n \
                'table-name' = 'access_statistic'";
    let job = write_job(&dir, &csv, &sink_ddl(with, false));
    let binary = build(&job, "jdbc_overrides", &[]);
    let generated = std::fs::read_to_string(scratch_dir().join("crates/jdbc_overrides/src/main.rs")).expect("main.rs");
    assert!(generated.contains("${SLUICE_TEST_STATS_DB}"), "the reference, not a path, is compiled in");

    let output = Command::new(&binary).current_dir(&dir).env("SLUICE_TEST_STATS_DB", &from_env).output().expect("runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(count(&from_env), expected.len().to_string());

    let url = format!("stats.url=jdbc:sqlite:{}", from_set.display());
    let output = Command::new(&binary).current_dir(&dir).args(["--set", &url]).output().expect("runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(count(&from_set), expected.len().to_string(), "--set wins");

    let help = Command::new(&binary).arg("--help").output().expect("runs");
    let help = text(&help.stdout);
    assert!(help.contains("--set TABLE.OPTION=VALUE"), "{help}");
    assert!(
        help.contains("  stats (jdbc)\n    url = jdbc:sqlite:${SLUICE_TEST_STATS_DB}\n    table-name = access_statistic"),
        "--help lists the tables and their options:\n{help}"
    );
}

/// MariaDB goes away while the job writes (a proxy between them drops every connection and refuses
/// new ones for a few seconds) and comes back: the sink logs each failed flush, retries with backoff
/// on a new connection, and the table ends with every row exactly once.
#[test]
fn a_database_gone_mid_run_is_retried_and_no_row_is_lost() {
    ensure_databases();
    mariadb(
        "DROP TABLE IF EXISTS outage_rows; CREATE TABLE outage_rows (id BIGINT PRIMARY KEY, label VARCHAR(32))",
    );
    let dir = scratch_dir().join("jdbc").join("jdbc_outage");
    std::fs::create_dir_all(&dir).expect("dir");
    let job = dir.join("job.py");
    std::fs::write(
        &job,
        r#"from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.execute_sql("""
CREATE TABLE gen (id BIGINT) WITH (
  'connector' = 'datagen', 'rows-per-second' = '100', 'number-of-rows' = '300',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '300')
""")
t_env.execute_sql("""
CREATE TABLE outage (id BIGINT, label STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:mysql://127.0.0.1:3306/test', 'table-name' = 'outage_rows',
  'username' = 'root', 'sink.buffer-flush.max-rows' = '10', 'sink.buffer-flush.interval' = '100ms')
""")
t_env.execute_sql("INSERT INTO outage SELECT id, CONCAT('row-', CAST(id AS STRING)) FROM gen").wait()
"#,
    )
    .expect("write job");
    let binary = build(&job, "jdbc_outage", &[]);
    let proxy = sluice_e2e::proxy::TcpProxy::start(([127, 0, 0, 1], 3306).into());
    let url = format!("outage.url=jdbc:mysql://127.0.0.1:{}/test", proxy.port());
    let mut job = sluice_e2e::RunningJob::start(&binary, &["--set", &url], &dir);
    let count = || mariadb("SELECT COUNT(*) FROM outage_rows").trim().parse::<usize>().unwrap_or(0);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while count() < 30 {
        assert!(std::time::Instant::now() < deadline, "the job wrote no rows");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    proxy.cut();
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let during = count();
    proxy.restore();
    let status = job.finish(std::time::Duration::from_secs(60));
    let log = job.log.join("\n");
    eprintln!("job log:\n{log}");
    assert!(status.success(), "the job fails:\n{log}");
    assert!(during < 300, "the outage came too late to matter ({during} rows written):\n{log}");
    assert!(log.contains("failed (attempt 1 of 4), retrying in 1s"), "each failed flush is logged:\n{log}");
    let rows = mariadb("SELECT id, label FROM outage_rows ORDER BY id");
    let expected: String = (1..=300).map(|i| format!("{i}\trow-{i}\n")).collect();
    assert_eq!(rows, expected, "every row exactly once");
}
