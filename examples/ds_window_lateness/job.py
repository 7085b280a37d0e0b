"""Tumbling 1 s event-time windows with allowed_lateness(500) and side_output_late_data.

The input is out of order (bounded out-of-orderness 200 ms), and records such as
(1100, ...) after (2400, ...) would be late in a long-running job. In PyFlink's bounded
run no record is ever late: every record reaches the window operator before the first
watermark, which is the final Long.MAX_VALUE one. So the main output holds every record
and the 'late' side output prints nothing."""
from pyflink.common import Duration, Time, WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import OutputTag, StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessWindowFunction
from pyflink.datastream.window import TumblingEventTimeWindows

# (timestamp ms, sensor, value)
READINGS = [(100, 'a', 1), (600, 'a', 2), (1300, 'b', 5), (2400, 'a', 3), (1100, 'a', 4),
            (2200, 'b', 6), (300, 'b', 7), (3900, 'a', 8), (1999, 'b', 9), (0, 'a', 10)]


class ReadingTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


class Summary(ProcessWindowFunction):

    def process(self, key, context: 'ProcessWindowFunction.Context', elements):
        values = sorted(e[2] for e in elements)
        yield '%s [%d, %d) values=%s' % (key, context.window().start, context.window().end,
                                          values)


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    late_tag = OutputTag('late', Types.TUPLE([Types.LONG(), Types.STRING(), Types.INT()]))
    readings = env.from_collection(
        READINGS, type_info=Types.TUPLE([Types.LONG(), Types.STRING(), Types.INT()]))
    windowed = readings.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(200))
        .with_timestamp_assigner(ReadingTime())) \
        .key_by(lambda r: r[1]) \
        .window(TumblingEventTimeWindows.of(Time.seconds(1))) \
        .allowed_lateness(500) \
        .side_output_late_data(late_tag) \
        .process(Summary(), output_type=Types.STRING())
    windowed.print()
    windowed.get_side_output(late_tag).print('late')

    env.execute("ds_window_lateness")


if __name__ == '__main__':
    main()
