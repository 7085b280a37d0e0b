"""General Python aggregate functions (udaf(AggregateFunction)) in windows, where PyFlink 2.3 runs them
in streaming mode: Table API Tumble, Slide and Session group windows and SQL's legacy GROUP BY
TUMBLE/HOP windows (PyFlink's PythonGroupWindowAggregate: one +I per window when the watermark passes
it, late rows dropped; a sliding window's result merges its panes' accumulators, so `merge` is
needed), also beside built-in aggregates; and the windowing TVFs TUMBLE/HOP/CUMULATE, which PyFlink
runs as a Python group aggregate over the TVF's rows (late rows are not dropped there, but for SESSION,
whose table function drops them). Compared as a
multiset: the rows of one window for several keys fire in the order of Flink's timers."""
from pyflink.table import DataTypes, EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, lit
from pyflink.table.udf import AggregateFunction, udaf
from pyflink.table.window import Session, Slide, Tumble


class Total(AggregateFunction):
    """A sum that can retract and merge."""

    def create_accumulator(self):
        return [0]

    def accumulate(self, acc, n):
        acc[0] += n

    def retract(self, acc, n):
        acc[0] -= n

    def merge(self, acc, others):
        for other in others:
            acc[0] += other[0]

    def get_value(self, acc):
        return acc[0]


class Top2(AggregateFunction):
    """The two largest values, as text."""

    def create_accumulator(self):
        return []

    def accumulate(self, acc, n):
        acc.append(n)
        acc.sort(reverse=True)
        del acc[2:]

    def merge(self, acc, others):
        for other in others:
            for n in other:
                self.accumulate(acc, n)

    def get_value(self, acc):
        return ",".join(str(n) for n in acc)


class Seq(AggregateFunction):
    """The values in the order they were accumulated (and merged)."""

    def create_accumulator(self):
        return []

    def accumulate(self, acc, n):
        acc.append(n)

    def merge(self, acc, others):
        for other in others:
            acc.extend(other)

    def get_value(self, acc):
        return " ".join(str(n) for n in acc)


total = udaf(Total(), result_type=DataTypes.BIGINT(), accumulator_type=DataTypes.ARRAY(DataTypes.BIGINT()))
top2 = udaf(Top2(), result_type=DataTypes.STRING(), accumulator_type=DataTypes.ARRAY(DataTypes.BIGINT()))
seq = udaf(Seq(), result_type=DataTypes.STRING(), accumulator_type=DataTypes.ARRAY(DataTypes.BIGINT()))

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
# One bundle for the whole input: PyFlink holds watermarks back while a bundle is in progress, so which
# rows are late (and the TVF aggregates' changelog) would otherwise depend on its 1 s bundle timer.
t_env.get_config().set("python.fn-execution.bundle.time", "60000")
t_env.execute_sql("""
    CREATE TABLE clicks (usr STRING, n BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'filesystem', 'path' = 'clicks.csv', 'format' = 'csv')
""")
t_env.create_temporary_function("total", total)
t_env.create_temporary_function("top2", top2)
t_env.create_temporary_function("seq", seq)
clicks = t_env.from_path("clicks")

# Table API Tumble, unaliased columns.
clicks.window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").start, total(col("n"))) \
    .execute().print()

# Beside a built-in aggregate.
clicks.window(Tumble.over(lit(10).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").end.alias("w_end"), total(col("n")).alias("total"),
            top2(col("n")).alias("top2"), col("n").count.alias("cnt"), seq(col("n")).alias("seq")) \
    .execute().print()

# Slide: each window's accumulator is merged from its panes' (seq shows the panes' order).
clicks.window(Slide.over(lit(10).seconds).every(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").end.alias("w_end"), total(col("n")).alias("total"), top2(col("n")).alias("top2"),
            seq(col("n")).alias("seq")) \
    .execute().print()

# Session.
clicks.window(Session.with_gap(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("usr")) \
    .select(col("usr"), col("w").start.alias("w_start"), col("w").end.alias("w_end"),
            total(col("n")).alias("total"), top2(col("n")).alias("top2")) \
    .execute().print()

# SQL legacy group windows.
t_env.sql_query("""
    SELECT usr, TUMBLE_END(ts, INTERVAL '10' SECOND) AS w_end, total(n) AS total, COUNT(*) AS cnt
    FROM clicks GROUP BY usr, TUMBLE(ts, INTERVAL '10' SECOND)
""").execute().print()
t_env.sql_query("""
    SELECT usr, HOP_START(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS w_start, top2(n) AS top2, seq(n) AS seq
    FROM clicks GROUP BY usr, HOP(ts, INTERVAL '5' SECOND, INTERVAL '10' SECOND)
""").execute().print()

# Windowing TVFs: a Python group aggregate over the TVF's rows.
t_env.sql_query("""
    SELECT usr, window_start, total(n) AS total, top2(n) AS top2
    FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY usr, window_start, window_end
""").execute().print()
t_env.sql_query("""
    SELECT usr, window_end, total(n) AS total
    FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
    GROUP BY usr, window_start, window_end
""").execute().print()
t_env.sql_query("""
    SELECT usr, window_end, top2(n) AS top2, COUNT(*) AS cnt
    FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
    GROUP BY usr, window_start, window_end
""").execute().print()
# SESSION: PyFlink aggregates each session's rows once (no merge()); late rows are dropped.
t_env.sql_query("""
    SELECT usr, window_start, window_end, total(n) AS total, top2(n) AS top2
    FROM TABLE(SESSION(TABLE clicks PARTITION BY usr, DESCRIPTOR(ts), INTERVAL '5' SECOND))
    GROUP BY usr, window_start, window_end
""").execute().print()

# SQL's legacy GROUP BY SESSION: the group window again (merge() of bridged sessions).
t_env.sql_query("""
    SELECT usr, SESSION_START(ts, INTERVAL '5' SECOND) AS s_start, SESSION_END(ts, INTERVAL '5' SECOND) AS s_end,
           total(n) AS total, top2(n) AS top2, COUNT(*) AS cnt
    FROM clicks WHERE n < 9
    GROUP BY usr, SESSION(ts, INTERVAL '5' SECOND)
""").execute().print()
