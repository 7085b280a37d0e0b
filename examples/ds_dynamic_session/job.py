"""Support chats: event-time session windows whose gap depends on the element
(EventTimeSessionWindows.with_dynamic_gap + a SessionWindowTimeGapExtractor): 'vip'
messages keep a session open for 1000 ms, others for 300 ms. Sessions are counted with
reduce and labelled with their bounds by a ProcessWindowFunction."""
from pyflink.common import WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessWindowFunction
from pyflink.datastream.window import EventTimeSessionWindows, SessionWindowTimeGapExtractor

# (timestamp ms, customer, tier, messages)
MESSAGES = [(0, 'c1', 'std', 1), (100, 'c2', 'vip', 1), (250, 'c1', 'std', 2),
            (700, 'c1', 'std', 1), (900, 'c2', 'vip', 3), (1000, 'c1', 'vip', 1),
            (1800, 'c1', 'std', 4), (2500, 'c2', 'std', 1), (2700, 'c2', 'std', 2)]


class MessageTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


class TierGap(SessionWindowTimeGapExtractor):

    def extract(self, element) -> int:
        return 1000 if element[2] == 'vip' else 300


class Label(ProcessWindowFunction):

    def process(self, key, context: 'ProcessWindowFunction.Context', elements):
        for total in elements:
            yield '%s session [%d, %d): %d messages' % (
                key, context.window().start, context.window().end, total[3])


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    messages = env.from_collection(MESSAGES, type_info=Types.TUPLE(
        [Types.LONG(), Types.STRING(), Types.STRING(), Types.INT()]))
    messages.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(MessageTime())) \
        .key_by(lambda m: m[1]) \
        .window(EventTimeSessionWindows.with_dynamic_gap(TierGap())) \
        .reduce(lambda a, b: (b[0], a[1], b[2], a[3] + b[3]), window_function=Label(),
                output_type=Types.STRING()) \
        .print()

    env.execute("ds_dynamic_session")


if __name__ == '__main__':
    main()
