"""A windowed job for benchmarks: per-key tumbling event-time windows with a reduce.

    python window_count.py --count 1000000
"""
import argparse

from pyflink.common import Time, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors import NumberSequenceSource
from pyflink.datastream.window import TumblingEventTimeWindows


class EventTime(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    ds = env.from_source(NumberSequenceSource(1, args.count), WatermarkStrategy.no_watermarks(), "seq",
                         type_info=Types.LONG())
    ds.map(lambda n: (n % 8, n, 1), output_type=Types.TUPLE([Types.LONG(), Types.LONG(), Types.LONG()])) \
        .assign_timestamps_and_watermarks(
            WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(EventTime())) \
        .key_by(lambda t: t[0]) \
        .window(TumblingEventTimeWindows.of(Time.milliseconds(100000))) \
        .reduce(lambda a, b: (a[0], b[1], a[2] + b[2])) \
        .filter(lambda t: t[1] > args.count - 100001) \
        .print()
    env.execute()


if __name__ == '__main__':
    main()
