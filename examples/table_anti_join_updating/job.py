"""NOT EXISTS and NOT IN over updating inputs (a GROUP BY's changelog) as Flink's anti-join: an
unmatched left row's updates pass with their own kinds (-U/+U), a matched row's are dropped; a right
row's retraction brings back (+I) the left rows it was the last match of. The customers go through a
Python function that waits a second when it opens, so on PyFlink they reach the join after the
orders, as sluice reads its sources in the order the script makes them. One right row can retract or
bring back several rows of a key at once, which Flink emits in the order of its state's hash map, so the
rows are compared as a multiset."""
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
orders = t_env.from_elements([(1, 'ALICE', 10), (2, 'BOB', 20), (3, 'ALICE', 30), (4, 'ZED', 40), (5, 'BOB', 5),
                              (6, 'CAROL', 7)],
                             ['oid', 'cust', 'amount'])
custs = t_env.from_elements([('ALICE', 'BERLIN'), ('BOB', 'PARIS'), ('BOB', 'ROME'), ('CAROL', 'OSLO'),
                             ('CAROL', 'OSLO'), ('ALICE', 'PARIS')],
                            ['name', 'city'])
t_env.create_temporary_view("orders", orders)
t_env.create_temporary_view("custs", custs.select(slow(col("name")).alias("name"), col("city")))

t_env.execute_sql("""
    SELECT t.cust, t.total FROM (SELECT cust, SUM(amount) AS total FROM orders GROUP BY cust) AS t
    WHERE NOT EXISTS (SELECT 1 FROM custs AS c WHERE c.name = t.cust AND c.city <> 'BERLIN')
""").print()
t_env.execute_sql("""
    SELECT oid, cust FROM orders
    WHERE cust NOT IN (SELECT name FROM custs GROUP BY name HAVING COUNT(*) = 1)
""").print()
t_env.execute_sql("""
    SELECT oid, cust FROM orders AS o
    WHERE NOT EXISTS (SELECT 1 FROM (SELECT name, COUNT(DISTINCT city) AS cities FROM custs GROUP BY name) AS c
                      WHERE c.name = o.cust AND c.cities < 2)
""").print()
