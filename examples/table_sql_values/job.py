"""SQL VALUES as a table: `SELECT ... FROM (VALUES ...) AS t(cols)` (each column of the common type of
its values, DECIMAL scales widened), `INSERT INTO t VALUES ...`, a view over VALUES aggregated and
joined with itself through a comma join. Compared as a multiset: the self-join's two scans of the
view interleave in no order Flink defines."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("SELECT * FROM (VALUES (1, 'a', 1.5), (2, 'bcd', 2.25), (3, 'xy', 2)) AS T(id, name, x)").print()
t_env.execute_sql("CREATE TABLE sink_p (id BIGINT, name STRING, d DOUBLE) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO sink_p VALUES (1, 'x', 1.5), (2, 'yy', 2)").wait()
t_env.execute_sql("CREATE TEMPORARY VIEW fruit AS SELECT * FROM (VALUES (1, 'pear'), (2, 'fig'), (3, 'pear')) AS T(id, name)")
t_env.execute_sql("SELECT name, COUNT(*) AS n, CHAR_LENGTH(name) AS len FROM fruit GROUP BY name").print()
t_env.execute_sql("SELECT f1.id, f2.id FROM fruit f1, fruit f2 WHERE f1.name = f2.name AND f1.id < f2.id").print()
