"""More grouping sets: CUBE of three keys (Calcite's order of the eight sets), a key that is an
expression, an aggregate reading a key column (it sees the row's value, not the NULL of a left-out
key), DISTINCT aggregates, a cartesian product of GROUPING SETS and ROLLUP, and ROLLUP over an
updating input (a GROUP BY's changelog, retracted through every set)."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
sales = t_env.from_elements([('north', 'apple', 'mon', 3), ('south', 'apple', 'tue', 5), ('north', 'pear', 'mon', 2),
                             ('North', 'apple', 'tue', 4), ('south', 'fig', 'mon', 1)],
                            ['region', 'product', 'wd', 'qty'])
t_env.create_temporary_view("sales", sales)

t_env.execute_sql("""
    SELECT region, product, wd, SUM(qty) AS total, GROUPING_ID(wd, region) AS g
    FROM sales GROUP BY CUBE (region, product, wd)
""").print()
t_env.execute_sql("""
    SELECT UPPER(region) AS r, COUNT(region) AS n, COUNT(DISTINCT product) AS products, GROUPING(UPPER(region)) AS g
    FROM sales GROUP BY ROLLUP (UPPER(region))
""").print()
t_env.execute_sql("""
    SELECT region, product, wd, MIN(qty) AS least FROM sales
    GROUP BY GROUPING SETS ((region), (product)), ROLLUP (wd)
""").print()
t_env.execute_sql("""
    SELECT region, product, SUM(total) AS total, COUNT(*) AS n
    FROM (SELECT region, product, SUM(qty) AS total FROM sales GROUP BY region, product)
    GROUP BY ROLLUP (region, product)
""").print()
