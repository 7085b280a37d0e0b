"""ORDER BY columns the select list leaves out: a Top-N (ORDER BY ... LIMIT) on a hidden column and
an expression, and a temporal sort on a rowtime that is not selected."""
import os

from pyflink.table import EnvironmentSettings, TableEnvironment

here = os.path.dirname(os.path.abspath(__file__))
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE orders (id INT, name STRING, price DOUBLE, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
WITH ('connector' = 'filesystem', 'path' = '{here}/orders.csv', 'format' = 'csv')
""")
t_env.execute_sql("SELECT name, id FROM orders ORDER BY price DESC LIMIT 3").print()
t_env.execute_sql("SELECT UPPER(name) AS who FROM orders ORDER BY price * id LIMIT 2").print()
t_env.execute_sql("CREATE TABLE out1 (name STRING, price DOUBLE) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO out1 SELECT name, price FROM orders ORDER BY ts").wait()
