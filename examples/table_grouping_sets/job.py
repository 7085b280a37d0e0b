"""GROUP BY GROUPING SETS, ROLLUP and CUBE over a regular (unbounded) group aggregate, with GROUPING()
and GROUPING_ID(): Flink expands each input row once per grouping set (the keys a set leaves out are
NULL), in its order of the sets, and aggregates per set and key, so each row's changelog lines come
in that order. A NULL key of a row and the NULL of a left-out key stay apart."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
sales = t_env.from_elements([('north', 'apple', 3), ('south', 'apple', 5), ('north', 'pear', 2),
                             ('north', 'apple', 4), ('south', None, 1), ('east', 'pear', 6)],
                            ['region', 'product', 'qty'])
t_env.create_temporary_view("sales", sales)

t_env.execute_sql("""
    SELECT region, product, SUM(qty) AS total, COUNT(*) AS n FROM sales
    GROUP BY GROUPING SETS ((region, product), (region), ())
""").print()
t_env.execute_sql("""
    SELECT product, region, MAX(qty) AS most FROM sales WHERE qty > 1
    GROUP BY GROUPING SETS ((product), (region), (product, region))
""").print()
t_env.execute_sql("""
    SELECT region, product, SUM(qty) AS total FROM sales GROUP BY ROLLUP (region, product)
""").print()
t_env.execute_sql("""
    SELECT region, product, COUNT(*) AS n, GROUPING(region) AS gr, GROUPING(product) AS gp,
           GROUPING_ID(region, product) AS gid
    FROM sales GROUP BY CUBE (region, product)
""").print()
t_env.execute_sql("CREATE TABLE out1 (region STRING, product STRING, total BIGINT) WITH ('connector' = 'print')")
t_env.execute_sql("""
    INSERT INTO out1 SELECT region, product, SUM(qty) FROM sales
    GROUP BY region, ROLLUP (product) HAVING SUM(qty) > 4
""").wait()
t_env.execute_sql("""
    SELECT region, product, SUM(qty) AS total FROM sales GROUP BY GROUPING SETS (region, product)
""").print()
