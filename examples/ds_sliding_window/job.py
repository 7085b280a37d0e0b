"""Average temperature per sensor over 1 s event-time windows sliding every 500 ms:
aggregate() with an AggregateFunction plus a ProcessWindowFunction that adds the window
bounds. The first windows start at -500 (a record at 100 falls into [-500, 500) and
[0, 1000))."""
from pyflink.common import Time, WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import AggregateFunction, ProcessWindowFunction
from pyflink.datastream.window import SlidingEventTimeWindows

# (timestamp ms, sensor, temperature)
READINGS = [(100, 's1', 20.0), (300, 's2', 10.0), (600, 's1', 22.0), (900, 's2', 12.5),
            (1100, 's1', 27.0), (1400, 's1', 21.0), (1800, 's2', 8.0), (2600, 's1', 30.0)]


class ReadingTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


class Average(AggregateFunction):

    def create_accumulator(self):
        return 0.0, 0

    def add(self, value, accumulator):
        return accumulator[0] + value[2], accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1], accumulator[1]

    def merge(self, acc_a, acc_b):
        return acc_a[0] + acc_b[0], acc_a[1] + acc_b[1]


class WithBounds(ProcessWindowFunction):

    def process(self, key, context: 'ProcessWindowFunction.Context', elements):
        avg, n = next(iter(elements))
        yield key, context.window().start, context.window().end, n, avg


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    readings = env.from_collection(
        READINGS, type_info=Types.TUPLE([Types.LONG(), Types.STRING(), Types.DOUBLE()]))
    readings.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(ReadingTime())) \
        .key_by(lambda r: r[1]) \
        .window(SlidingEventTimeWindows.of(Time.milliseconds(1000), Time.milliseconds(500))) \
        .aggregate(Average(), window_function=WithBounds(),
                   accumulator_type=Types.TUPLE([Types.DOUBLE(), Types.LONG()]),
                   output_type=Types.TUPLE([Types.STRING(), Types.LONG(), Types.LONG(),
                                            Types.LONG(), Types.DOUBLE()])) \
        .print()

    env.execute("ds_sliding_window")


if __name__ == '__main__':
    main()
