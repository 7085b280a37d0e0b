"""The CDN job with a pandas (vectorized) UDF: ip_to_province over a pandas.Series of client IPs per
batch of rows, then group by province with count, sums and speed, over target/bench-data/cdn.csv
(written by bench/run.py), into a blackhole sink. bench/jobs/cdn_udf.py is the same job with a
row-at-a-time UDF."""
import os

from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import call, col, lit
from pyflink.table.udf import udf

INPUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "bench-data", "cdn.csv")
IP_PREFIX_TO_PROVINCE = {"27.184": "河北省", "36.110": "北京市", "58.61": "广东省", "101.226": "上海市",
                         "112.85": "江苏省", "202.96": "广东省"}


@udf(input_types=[DataTypes.STRING()], result_type=DataTypes.STRING(), func_type="pandas")
def ip_to_province(ips):
    prefixes = ips.str.extract(r"^(\d+\.\d+)\.", expand=False)
    return prefixes.map(IP_PREFIX_TO_PROVINCE).fillna("UnKnow")


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE cdn_access_log (uuid VARCHAR, client_ip VARCHAR, request_time BIGINT, response_size BIGINT,
                             uri VARCHAR)
WITH ('connector' = 'filesystem', 'path' = '{os.path.normpath(INPUT)}', 'format' = 'csv')
""")
t_env.execute_sql("""
CREATE TABLE cdn_access_statistic (province VARCHAR, access_count BIGINT, total_download BIGINT,
                                   download_speed DOUBLE)
WITH ('connector' = 'blackhole')
""")
t_env.create_temporary_function("ip_to_province", ip_to_province)
t_env.from_path("cdn_access_log") \
    .select(col("uuid"), call("ip_to_province", col("client_ip")).alias("province"),
            col("response_size"), col("request_time")) \
    .group_by(col("province")) \
    .select(col("province"), col("uuid").count.alias("access_count"),
            col("response_size").sum.alias("total_download"),
            (col("response_size").sum * lit(1.0) / col("request_time").sum).alias("download_speed")) \
    .execute_insert("cdn_access_statistic") \
    .wait()
