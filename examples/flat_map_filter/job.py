from pyflink.common import Row
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import (FilterFunction, FlatMapFunction, MapFunction,
                                          RuntimeContext)
from pyflink.datastream.state import ValueStateDescriptor

SENTENCES = [
    'the quick brown fox',
    'jumps over the lazy dog',
    'a fox and a dog',
    'The end of the story',
]

STOP_WORDS = {'a', 'and', 'of'}


class Tokenizer(FlatMapFunction):

    def flat_map(self, value):
        for word in value.lower().split():
            yield word


class StopWordFilter(FilterFunction):

    def filter(self, value):
        return value not in STOP_WORDS


class CountWords(MapFunction):

    def open(self, runtime_context: RuntimeContext):
        self.count = runtime_context.get_state(ValueStateDescriptor('count', Types.LONG()))

    def map(self, value):
        current = self.count.value()
        if current is None:
            current = 0
        current += value[1]
        self.count.update(current)
        return Row(value[0], current)


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(SENTENCES, type_info=Types.STRING())
    ds = ds.flat_map(Tokenizer(), output_type=Types.STRING()) \
        .filter(StopWordFilter()) \
        .map(lambda w: Row(w, 1), output_type=Types.ROW([Types.STRING(), Types.INT()])) \
        .key_by(lambda r: r[0]) \
        .map(CountWords(), output_type=Types.ROW_NAMED(['word', 'count'],
                                                       [Types.STRING(), Types.LONG()]))
    ds.print()

    env.execute("flat_map_filter")


if __name__ == '__main__':
    main()
