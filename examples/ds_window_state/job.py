"""Keyed state in a window function: a ProcessWindowFunction counts, per key, how many windows it has
emitted so far (ValueState created in open()), across tumbling event-time windows."""
from pyflink.common import Time, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessWindowFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor
from pyflink.datastream.window import TumblingEventTimeWindows

CLICKS = [(100, 'ann'), (200, 'bob'), (900, 'ann'), (1100, 'ann'), (1500, 'bob'), (2100, 'cid'),
          (2300, 'ann'), (2400, 'bob'), (2500, 'bob')]


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[0]


class Sessions(ProcessWindowFunction):
    def open(self, runtime_context: RuntimeContext):
        self.windows = runtime_context.get_state(ValueStateDescriptor('windows', Types.INT()))

    def process(self, key, context, elements):
        n = (self.windows.value() or 0) + 1
        self.windows.update(n)
        yield f"{key} window #{n} [{context.window().start},{context.window().end}) clicks={len(list(elements))}"


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    env.from_collection(CLICKS, type_info=Types.TUPLE([Types.LONG(), Types.STRING()])) \
        .assign_timestamps_and_watermarks(
            WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())) \
        .key_by(lambda c: c[1]) \
        .window(TumblingEventTimeWindows.of(Time.seconds(1))) \
        .process(Sessions(), output_type=Types.STRING()) \
        .print()
    env.execute()


if __name__ == '__main__':
    main()
