# sluice example: the seed's Kafka source and MySQL sink, switched to a CSV file and print (Kafka and
# MySQL are the connectors issue). Column lists are the seed's; only the WITH options changed.
kafka_source_ddl = """
CREATE TABLE cdn_access_log (
 uuid VARCHAR,
 client_ip VARCHAR,
 request_time BIGINT,
 response_size BIGINT,
 uri VARCHAR
) WITH (
 'connector.type' = 'filesystem',
 'connector.path' = 'cdn_access_log.csv',
 'format.type' = 'csv',
 'format.ignore-parse-errors' = 'true'
)
"""

mysql_sink_ddl = """
CREATE TABLE cdn_access_statistic (
 province VARCHAR,
 access_count BIGINT,
 total_download BIGINT,
 download_speed DOUBLE
) WITH (
 'connector' = 'print'
)
"""
