"""`x NOT IN (SELECT y ...)` (and `(x, z) NOT IN (SELECT y, w ...)`) with SQL's NULL semantics, as Flink's null-aware anti-join: a row whose x is
NULL is emitted only while the subquery is empty, and a NULL among the subquery's values retracts
every row. NOT EXISTS's equality matches no NULL. The customers go through a Python function that
waits a second when it opens, so they reach the join after the orders (or, for `late_orders`, the
orders after them; sluice reads sources in the order the script makes them, so the customers that
must come first are made first). One new subquery row can retract several rows at once, which Flink emits in the
order of its state's hash map, so the rows are compared as a multiset."""
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
fast_with_null = t_env.from_elements([('BOB', 'PARIS'), (None, 'ROME'), ('ALICE', 'OSLO')], ['name', 'city'])
orders = t_env.from_elements([(1, 'ALICE'), (2, None), (3, 'CAROL'), (4, 'ZED')], ['oid', 'cust'])
custs = t_env.from_elements([('ALICE', 'BERLIN'), ('BOB', 'PARIS'), ('CAROL', 'ROME')], ['name', 'city'])
with_null = t_env.from_elements([('BOB', 'PARIS'), (None, 'ROME'), ('ALICE', 'OSLO')], ['name', 'city'])
t_env.create_temporary_view("orders", orders)
t_env.create_temporary_view("custs", custs.select(slow(col("name")).alias("name"), col("city")))
t_env.create_temporary_view("with_null", with_null.select(slow(col("name")).alias("name"), col("city")))
t_env.create_temporary_view("fast_with_null", fast_with_null)
pairs = t_env.from_elements([(1, 'ALICE'), (3, None), (9, 'ZED'), (2, 'BOB')], ['id', 'name'])
t_env.create_temporary_view("pairs", pairs.select(col("id"), slow(col("name")).alias("name")))
t_env.create_temporary_view("late_orders", orders.select(col("oid"), slow(col("cust")).alias("cust")))

t_env.execute_sql("SELECT oid, cust FROM orders WHERE cust NOT IN (SELECT name FROM custs)").print()
t_env.execute_sql("SELECT oid, cust FROM orders WHERE cust NOT IN (SELECT name FROM with_null)").print()
t_env.execute_sql("""
    SELECT oid, cust FROM orders WHERE cust NOT IN (SELECT name FROM custs WHERE city = 'NOWHERE')
""").print()
t_env.execute_sql("""
    SELECT o.oid, o.cust FROM orders AS o WHERE NOT EXISTS (SELECT 1 FROM with_null AS c WHERE c.name = o.cust)
""").print()
t_env.execute_sql("SELECT oid, cust FROM late_orders WHERE cust NOT IN (SELECT name FROM fast_with_null)").print()
t_env.execute_sql("""
    SELECT oid, cust FROM late_orders WHERE cust NOT IN (SELECT name FROM fast_with_null WHERE name IS NOT NULL)
""").print()
# A row NOT IN: a column NULL on either side matches, a column that differs does not.
t_env.execute_sql("SELECT oid, cust FROM orders WHERE (oid, cust) NOT IN (SELECT id, name FROM pairs)").print()
