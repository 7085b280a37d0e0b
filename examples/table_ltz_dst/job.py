"""TIMESTAMP_LTZ across daylight-saving changes of a region time zone (America/New_York, 2024): instants
shown as wall-clock times, and wall-clock TIMESTAMPs cast to instants, a time in the spring gap moved
past it and a time in the autumn overlap taking the earlier offset, as Java's zone rules do."""
from pyflink.table import EnvironmentSettings, TableEnvironment
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.get_config().set("table.local-time-zone", "America/New_York")
t_env.execute_sql("""
    CREATE TABLE d (id BIGINT, ltz TIMESTAMP_LTZ(3), ts TIMESTAMP(3))
    WITH ('connector' = 'filesystem', 'path' = 'd.csv', 'format' = 'csv')
""")
t_env.sql_query("""SELECT id, ltz, CAST(ltz AS TIMESTAMP(3)) AS loc, CAST(ts AS TIMESTAMP_LTZ(3)) AS back,
   CAST(CAST(ts AS TIMESTAMP_LTZ(3)) AS STRING) AS back_txt FROM d""").execute().print()
t_env.execute_sql("CREATE TABLE p (id BIGINT, back TIMESTAMP_LTZ(3)) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO p SELECT id, CAST(ts AS TIMESTAMP_LTZ(3)) FROM d").wait()
