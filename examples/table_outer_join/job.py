"""Outer joins in SQL and the Table API with Flink's streaming changelog: a left row without a match
is emitted null-padded (+I[l, null]); when its first match arrives that row is retracted (-D) before
the joined row (+I). The right side goes through a Python function that waits a second when it opens, so on PyFlink its
rows reach the join long after the left rows: the order of the two inputs is then the same on every
run (left first), as in sluice, which reads the sources in order."""
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import ScalarFunction, udf


class Shout(ScalarFunction):
    def open(self, function_context):
        time.sleep(1)

    def eval(self, s):
        return s.upper()


shout = udf(Shout(), result_type=DataTypes.STRING())


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.create_temporary_function("shout", shout)

orders = t_env.from_elements([(1, 'alice', 10), (2, 'bob', 20), (3, 'carol', 30), (4, 'zed', 40)],
                             ['oid', 'cust', 'amount'])
custs = t_env.from_elements([('alice', 'Berlin'), ('bob', 'Paris'), ('carol', 'Rome'), ('dave', 'Oslo')],
                            ['name', 'city'])
t_env.create_temporary_view("orders", orders)
t_env.create_temporary_view("custs", custs.select(col("name"), shout(col("city")).alias("city")))

t_env.execute_sql("""
    SELECT o.oid, o.cust, c.city FROM orders o LEFT JOIN custs c ON o.cust = c.name
""").print()
t_env.execute_sql("""
    SELECT o.oid, o.amount, c.name, c.city
    FROM orders o FULL OUTER JOIN custs c ON o.cust = c.name AND o.amount > 15
""").print()
t_env.execute_sql("""
    SELECT c.name, o.oid FROM orders o RIGHT JOIN custs c ON o.cust = c.name WHERE c.name <> 'bob'
""").print()

upper = t_env.from_path("custs")
orders.left_outer_join(upper, col("cust") == col("name")) \
    .select(col("oid"), col("cust"), col("city")).execute().print()
orders.join(upper).where(col("cust") == col("name")).select(col("oid"), col("city")).execute().print()
