"""The same out-of-order readings counted in 1 s tumbling windows under three watermark
strategies: for_bounded_out_of_orderness, for_monotonous_timestamps().with_idleness and
no_watermarks. In PyFlink's bounded run they all print the same windows: no watermark is
emitted before the input ends, and the final Long.MAX_VALUE watermark (which reaches the
windows even with no_watermarks) fires every window. Three sinks -> compared as a multiset."""
from pyflink.common import Duration, Time, WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.window import TumblingEventTimeWindows

# (timestamp ms, room, people)
READINGS = [(200, 'r1', 3), (1500, 'r2', 1), (700, 'r1', 2), (2100, 'r1', 4),
            (900, 'r2', 5), (1200, 'r1', 1), (3300, 'r2', 2), (2050, 'r2', 6)]


class ReadingTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


def count_per_window(stream, strategy):
    return stream.assign_timestamps_and_watermarks(strategy) \
        .map(lambda r: (r[1], r[0] // 1000 * 1000, r[2]),
             output_type=Types.TUPLE([Types.STRING(), Types.LONG(), Types.INT()])) \
        .key_by(lambda r: r[0]) \
        .window(TumblingEventTimeWindows.of(Time.milliseconds(1000))) \
        .reduce(lambda a, b: (a[0], a[1], a[2] + b[2]))


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    readings = env.from_collection(
        READINGS, type_info=Types.TUPLE([Types.LONG(), Types.STRING(), Types.INT()]))
    count_per_window(readings, WatermarkStrategy.for_bounded_out_of_orderness(
        Duration.of_millis(500)).with_timestamp_assigner(ReadingTime())).print('bounded')
    count_per_window(readings, WatermarkStrategy.for_monotonous_timestamps()
                     .with_idleness(Duration.of_seconds(1))
                     .with_timestamp_assigner(ReadingTime())).print('idle')
    count_per_window(readings, WatermarkStrategy.no_watermarks()
                     .with_timestamp_assigner(ReadingTime())).print('none')

    env.execute("ds_watermark_strategies")


if __name__ == '__main__':
    main()
