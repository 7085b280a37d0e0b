"""Python aggregate functions (AggregateFunction subclasses wrapped by udaf()) in a Table API
group_by().select() and in SQL after create_temporary_function, with Flink's changelog; one of them
aggregates an updating input, so its retract() runs."""
from pyflink.common import Row
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import call, col
from pyflink.table.udf import AggregateFunction, udaf


class WeightedAvg(AggregateFunction):
    def create_accumulator(self):
        return Row(0, 0)

    def get_value(self, accumulator):
        if accumulator[1] == 0:
            return None
        return accumulator[0] // accumulator[1]

    def accumulate(self, accumulator, value, weight):
        accumulator[0] += value * weight
        accumulator[1] += weight

    def retract(self, accumulator, value, weight):
        accumulator[0] -= value * weight
        accumulator[1] -= weight

    def get_result_type(self):
        return DataTypes.BIGINT()

    def get_accumulator_type(self):
        return DataTypes.ROW([DataTypes.FIELD("f0", DataTypes.BIGINT()),
                              DataTypes.FIELD("f1", DataTypes.BIGINT())])


class LongestWord(AggregateFunction):
    """Keeps every word seen (so it can retract), returns the longest."""

    def create_accumulator(self):
        return []

    def accumulate(self, accumulator, word):
        if word is not None:
            accumulator.append(word)

    def retract(self, accumulator, word):
        if word in accumulator:
            accumulator.remove(word)

    def merge(self, accumulator, accumulators):
        for other in accumulators:
            accumulator.extend(other)

    def get_value(self, accumulator):
        if not accumulator:
            return None
        return sorted(accumulator, key=lambda w: (-len(w), w))[0]


class SumCounts(AggregateFunction):
    def create_accumulator(self):
        return [0]

    def accumulate(self, accumulator, n):
        accumulator[0] += n

    def retract(self, accumulator, n):
        accumulator[0] -= n

    def get_value(self, accumulator):
        return accumulator[0]


t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")

weighted_avg = udaf(WeightedAvg())
longest = udaf(LongestWord(), result_type=DataTypes.STRING(),
               accumulator_type=DataTypes.ARRAY(DataTypes.STRING()))
sum_counts = udaf(SumCounts(), result_type=DataTypes.BIGINT(),
                  accumulator_type=DataTypes.ARRAY(DataTypes.BIGINT()))

words = t_env.from_elements(
    [(1, "apple", 2), (3, "fig", 1), (2, "banana", 4), (5, "kiwi", 3), (4, "cherry", 1), (6, "date", 2)],
    ["a", "word", "w"])
words = words.select(col("a"), col("word"), col("w"), (col("a") % 2).alias("parity"))

# 1. Table API: the function object called directly, mixed with a built-in aggregate.
words.group_by(col("parity")) \
    .select(col("parity"), weighted_avg(col("a"), col("w")).alias("wavg"), col("a").count.alias("n")) \
    .execute().print()

# 2. Table API: call() by registered name.
t_env.create_temporary_function("longest", longest)
words.group_by(col("parity")).select(col("parity"), call("longest", col("word")).alias("longest")) \
    .execute().print()

# 3. SQL, and a UDAF over an updating input (the per-parity counts), so retract() runs.
t_env.create_temporary_view("words", words)
t_env.create_temporary_function("weighted_avg", weighted_avg)
t_env.create_temporary_function("sum_counts", sum_counts)
t_env.execute_sql("""
    CREATE TABLE results (
        k BIGINT,
        wavg BIGINT,
        total BIGINT
    ) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
    INSERT INTO results
    SELECT cnt, weighted_avg(cnt, cnt), sum_counts(cnt)
    FROM (SELECT parity, COUNT(*) AS cnt FROM words GROUP BY parity)
    GROUP BY cnt
""").wait()
