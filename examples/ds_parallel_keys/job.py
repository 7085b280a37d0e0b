"""Parallelism 3: which subtask prints a record follows from its key, as in Flink. Keys declared with
key_type (Java String hash), Python tuple keys (pickled), int keys, and a keyed tumbling window.
Subtasks interleave in no defined order: compared as a multiset."""
from pyflink.common import Time, Types, WatermarkStrategy
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.window import TumblingEventTimeWindows

CITIES = ['oslo', 'rome', 'lima', 'kyiv', 'bern', 'doha', 'riga', 'baku', 'apia', 'suva', 'male', 'nuuk']


class At(TimestampAssigner):
    def extract_timestamp(self, value, record_timestamp):
        return value[1] * 100


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(3)
    visits = env.from_collection([(c, i) for i, c in enumerate(CITIES * 2)],
                                 type_info=Types.TUPLE([Types.STRING(), Types.INT()]))
    visits.key_by(lambda v: v[0], key_type=Types.STRING()) \
        .reduce(lambda a, b: (a[0], a[1] + b[1])) \
        .print("typed")
    visits.key_by(lambda v: (v[0][0], len(v[0]))) \
        .map(lambda v: v[0], output_type=Types.STRING()) \
        .print("tuple")
    visits.key_by(lambda v: v[1] % 5) \
        .reduce(lambda a, b: (b[0], a[1] + b[1])) \
        .print()
    visits.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(At())) \
        .key_by(lambda v: v[0][0]) \
        .window(TumblingEventTimeWindows.of(Time.seconds(1))) \
        .reduce(lambda a, b: (a[0], a[1] + b[1])) \
        .print("window")
    env.execute("ds_parallel_keys")


if __name__ == '__main__':
    main()
