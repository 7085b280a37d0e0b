"""`WHERE NOT EXISTS (SELECT ... WHERE inner.y = outer.x)` and `WHERE x NOT IN (SELECT y ...)` as Flink's
streaming anti-join: a row is emitted (+I) while no row of the subquery matches it and retracted (-D)
when a match arrives; a row arriving when a match exists is never emitted. One side goes through a
Python function that waits a second when it opens, so on PyFlink its rows reach the join after the
other side's: the order of the two inputs is the same on every run. sluice reads sources in the order
the script makes them, so the table whose rows must come first is made first."""
import time

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import ScalarFunction, udf


class Slow(ScalarFunction):
    def open(self, function_context):
        time.sleep(1)

    def eval(self, s):
        return s


slow = udf(Slow(), result_type=DataTypes.STRING())

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
# Made before the orders: read before them by sluice (and not slowed down on PyFlink).
fast_custs = t_env.from_elements([('ALICE', 'BERLIN'), ('BOB', 'PARIS'), ('CAROL', 'ROME'), ('DAVE', 'OSLO')],
                                 ['name', 'city'])
orders = t_env.from_elements([(1, 'ALICE', 10), (2, 'BOB', 20), (3, 'CAROL', 30), (4, 'ZED', 40), (5, 'BOB', 20),
                              (6, 'YVES', 3)],
                             ['oid', 'cust', 'amount'])
custs = t_env.from_elements([('ALICE', 'BERLIN'), ('BOB', 'PARIS'), ('CAROL', 'ROME'), ('DAVE', 'OSLO')],
                            ['name', 'city'])
t_env.create_temporary_view("orders", orders)
# The customers arrive late (after every order).
t_env.create_temporary_view("custs", custs.select(slow(col("name")).alias("name"), slow(col("city")).alias("city")))
t_env.create_temporary_view("fast_custs", fast_custs)
# The orders arrive late (after every customer).
t_env.create_temporary_view("late_orders", orders.select(col("oid"), slow(col("cust")).alias("cust"), col("amount")))

t_env.execute_sql("""
    SELECT o.oid, o.cust FROM orders AS o WHERE NOT EXISTS (SELECT 1 FROM custs AS c WHERE c.name = o.cust)
""").print()
t_env.execute_sql("""
    SELECT o.oid, o.amount FROM orders AS o
    WHERE o.amount > 5 AND NOT EXISTS (SELECT * FROM custs AS c WHERE o.cust = c.name AND c.city <> 'ROME')
""").print()
t_env.execute_sql("""
    SELECT oid, cust FROM orders WHERE cust NOT IN (SELECT name FROM custs WHERE city <> 'OSLO')
""").print()
t_env.execute_sql("""
    SELECT o.oid, o.cust FROM late_orders AS o WHERE NOT EXISTS (SELECT 1 FROM fast_custs AS c WHERE c.name = o.cust)
""").print()
t_env.execute_sql("CREATE TABLE out1 (cust STRING, total BIGINT) WITH ('connector' = 'print')")
t_env.execute_sql("""
    INSERT INTO out1 SELECT cust, SUM(amount) FROM orders
    WHERE oid NOT IN (SELECT CHAR_LENGTH(name) FROM custs) GROUP BY cust
""").wait()
