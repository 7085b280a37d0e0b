"""Clicks per user in 1-second event-time tumbling windows, summed with reduce.

All windows fire when the final watermark arrives (after the whole input), in window-end
order; windows of different users that end at the same instant fire in Flink's timer-heap
order (see PRINT_FORMAT.md)."""
from pyflink.common import Time, WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.window import TumblingEventTimeWindows

# (timestamp ms, user, clicks)
CLICKS = [(100, 'ann', 1), (250, 'bob', 2), (400, 'ann', 3), (999, 'cid', 1),
          (1000, 'ann', 5), (1200, 'bob', 1), (1700, 'bob', 4), (2300, 'ann', 2),
          (2500, 'cid', 7), (2999, 'cid', 1), (4100, 'bob', 6)]


class ClickTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    clicks = env.from_collection(
        CLICKS, type_info=Types.TUPLE([Types.LONG(), Types.STRING(), Types.INT()]))
    clicks.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(ClickTime())) \
        .key_by(lambda c: c[1]) \
        .window(TumblingEventTimeWindows.of(Time.milliseconds(1000))) \
        .reduce(lambda a, b: (max(a[0], b[0]), a[1], a[2] + b[2])) \
        .print()

    env.execute("ds_tumbling_window")


if __name__ == '__main__':
    main()
