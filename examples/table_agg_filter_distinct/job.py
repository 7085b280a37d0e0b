"""`agg(...) FILTER (WHERE cond)` and `agg(DISTINCT x)` for SUM / AVG / COUNT / LISTAGG / MAX: in a
GROUP BY (and over the updating results of another GROUP BY, where a row's retraction passes the
same filter and leaves the distinct value only when its last copy goes) and in a TUMBLE window."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE readings (usr STRING, page STRING, v DOUBLE, ts TIMESTAMP(3),
                           WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'filesystem', 'path' = 'readings.csv', 'format' = 'csv')
""")

t_env.execute_sql("""
    SELECT usr, COUNT(*) FILTER (WHERE v > 1) AS big, SUM(v) FILTER (WHERE page = 'cart') AS cart_sum,
           COUNT(DISTINCT page) AS pages, LISTAGG(DISTINCT page) AS distinct_pages,
           MAX(v) FILTER (WHERE page <> 'home') AS max_not_home,
           COUNT(DISTINCT page) FILTER (WHERE v > 0) AS positive_pages
    FROM readings GROUP BY usr
""").print()

t_env.execute_sql("""
    SELECT SUM(DISTINCT cnt) AS distinct_counts, AVG(DISTINCT cnt) AS avg_distinct,
           COUNT(*) FILTER (WHERE cnt > 1) AS repeat_users, SUM(cnt) FILTER (WHERE usr <> 'bob') AS not_bob
    FROM (SELECT usr, COUNT(*) AS cnt FROM readings GROUP BY usr)
""").print()

t_env.execute_sql("""
    SELECT window_start, COUNT(*) FILTER (WHERE page = 'cart') AS carts,
           SUM(DISTINCT v) AS distinct_sum, LISTAGG(usr, ' ') FILTER (WHERE v > 0) AS positive_users
    FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
""").print()
