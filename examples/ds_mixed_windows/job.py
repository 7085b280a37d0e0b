"""Tumbling (with late side output), sliding aggregate and session windows, a side output yielded as
(tag, value) from a ProcessFunction, and a union, over one event-time stream. Several sinks: compared as a
multiset."""
from pyflink.common import Time, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment, OutputTag
from pyflink.datastream.functions import ProcessWindowFunction, AggregateFunction, CoMapFunction, ProcessFunction
from pyflink.datastream.window import TumblingEventTimeWindows, SlidingEventTimeWindows, EventTimeSessionWindows


class Ts(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


class Avg(AggregateFunction):
    def create_accumulator(self):
        return (0, 0)

    def add(self, value, acc):
        return acc[0] + value[2], acc[1] + 1

    def get_result(self, acc):
        return acc[0] / acc[1]

    def merge(self, a, b):
        return a[0] + b[0], a[1] + b[1]


class Show(ProcessWindowFunction):
    def process(self, key, context, elements):
        w = context.window()
        yield f"{key} [{w.start},{w.end}) n={len(list(elements))}"


class Split(ProcessFunction):
    def process_element(self, value, ctx):
        if value[2] > 5:
            yield big, value[0]
        yield value[0]


big = OutputTag("big", Types.STRING())
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
data = [("a", 1000, 3), ("b", 1500, 7), ("a", 2500, 4), ("a", 6100, 9), ("b", 7000, 1), ("a", 1200, 2)]
ds = env.from_collection(data, type_info=Types.TUPLE([Types.STRING(), Types.LONG(), Types.LONG()])) \
    .assign_timestamps_and_watermarks(WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(Ts()))
late = OutputTag("late", Types.TUPLE([Types.STRING(), Types.LONG(), Types.LONG()]))
w = ds.key_by(lambda v: v[0]).window(TumblingEventTimeWindows.of(Time.seconds(2))) \
    .side_output_late_data(late).reduce(lambda a, b: (a[0], b[1], a[2] + b[2]))
w.print("tumble")
w.get_side_output(late).print("late")
ds.key_by(lambda v: v[0]).window(SlidingEventTimeWindows.of(Time.seconds(4), Time.seconds(2))) \
    .aggregate(Avg(), output_type=Types.DOUBLE()).print("slide")
ds.key_by(lambda v: v[0]).window(EventTimeSessionWindows.with_gap(Time.seconds(2))) \
    .process(Show(), output_type=Types.STRING()).print("session")
sp = ds.process(Split(), output_type=Types.STRING())
sp.get_side_output(big).print("big")
ds.map(lambda v: v[0], output_type=Types.STRING()).union(sp).print("union")
env.execute()
