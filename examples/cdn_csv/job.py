"""The seed's CDN job (cdn_demo.py) written in PyFlink 2.x style: execute_sql, create_temporary_function,
col()/lit() expressions, execute_insert(...).wait(). Same source, UDF and sink; same output."""
from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import call, col, lit

from enjoyment.cdn.cdn_udf import ip_to_province
from enjoyment.cdn.cdn_connector_ddl import kafka_source_ddl, mysql_sink_ddl

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

t_env.execute_sql(kafka_source_ddl)
t_env.execute_sql(mysql_sink_ddl)
t_env.create_temporary_function("ip_to_province", ip_to_province)

t_env.from_path("cdn_access_log") \
    .select(col("uuid"),
            call("ip_to_province", col("client_ip")).alias("province"),
            col("response_size"), col("request_time")) \
    .group_by(col("province")) \
    .select(col("province"),
            col("uuid").count.alias("access_count"),
            col("response_size").sum.alias("total_download"),
            (col("response_size").sum * lit(1.0) / col("request_time").sum).alias("download_speed")) \
    .execute_insert("cdn_access_statistic") \
    .wait()
