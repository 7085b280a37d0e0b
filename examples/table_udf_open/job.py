"""A ScalarFunction whose open() prepares a lookup and registers a metric (function_context), used
from the Table API. open() runs once before the first row, as in Flink."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col
from pyflink.table.udf import ScalarFunction, udf


class Region(ScalarFunction):
    def open(self, function_context):
        self.lookup = {"10": "north", "20": "south"}
        self.calls = function_context.get_metric_group().counter("calls")

    def eval(self, ip):
        self.calls.inc()
        return self.lookup.get(ip.split(".")[0], "unknown")


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
region = udf(Region(), result_type=DataTypes.STRING())
hits = t_env.from_elements([("10.0.0.1", 3), ("20.1.1.1", 5), ("30.9.9.9", 1), ("10.2.2.2", 4)],
                           ["ip", "bytes"])
hits.select(col("ip"), region(col("ip")).alias("region"), col("bytes")).execute().print()
