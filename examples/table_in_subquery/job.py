"""`WHERE x IN (SELECT y FROM ...)` (also a row, `(x, z) IN (SELECT y, w ...)`) and correlated `WHERE EXISTS (SELECT ... WHERE inner.y = outer.x)`: a semi-join (each matching row once, whichever side arrives first),
beside other conditions and in an aggregate's input. Flink interleaves the two sources in no defined
order, so the rows are compared as a multiset."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
orders = t_env.from_elements([(1, 'ann', 10.0), (2, 'bob', 25.5), (3, 'cy', 7.25), (4, 'bob', 3.0), (5, 'dee', 12.0)],
                             ['id', 'customer', 'amount'])
vips = t_env.from_elements([('bob', 'gold'), ('dee', 'silver'), ('bob', 'gold'), ('zed', 'gold')], ['name', 'tier'])
t_env.create_temporary_view("orders", orders)
t_env.create_temporary_view("vips", vips)
t_env.execute_sql("CREATE TABLE out1 (id BIGINT, customer STRING, amount DOUBLE) WITH ('connector' = 'print')")
t_env.execute_sql("""
INSERT INTO out1 SELECT * FROM orders
WHERE customer IN (SELECT name FROM vips WHERE tier = 'gold') AND amount > 1
""").wait()
t_env.execute_sql("CREATE TABLE out2 (customer STRING, total DOUBLE) WITH ('connector' = 'print')")
t_env.execute_sql("""
INSERT INTO out2 SELECT o.customer, SUM(o.amount) FROM orders AS o
WHERE o.id IN (SELECT id FROM orders WHERE amount >= 10) GROUP BY o.customer
""").wait()
t_env.execute_sql("CREATE TABLE out3 (id BIGINT, customer STRING) WITH ('connector' = 'print')")
t_env.execute_sql("""
INSERT INTO out3 SELECT o.id, o.customer FROM orders AS o
WHERE EXISTS (SELECT 1 FROM vips AS v WHERE v.name = o.customer AND v.tier <> 'gold') AND o.id > 0
""").wait()
t_env.execute_sql("CREATE TABLE out4 (id BIGINT, amount DOUBLE) WITH ('connector' = 'print')")
t_env.execute_sql("""
INSERT INTO out4 SELECT o.id, o.amount FROM orders AS o
WHERE o.amount < 20 AND EXISTS (SELECT * FROM vips AS v WHERE o.customer = v.name)
""").wait()
t_env.execute_sql("CREATE TABLE out5 (id BIGINT, customer STRING) WITH ('connector' = 'print')")
t_env.execute_sql("""
INSERT INTO out5 SELECT id, customer FROM orders
WHERE (customer, id) IN (SELECT customer, id FROM orders WHERE amount > 10)
""").wait()
