"""Per-user word counts in a MapState: put, put_all, get, contains, remove, keys, values,
items, is_empty and clear. MapState iteration order is backend-defined, so every
iteration is sorted before it is printed."""
from pyflink.common import Row
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import FlatMapFunction, RuntimeContext
from pyflink.datastream.state import MapStateDescriptor

LINES = [
    ('u1', 'to be or not to be'),
    ('u2', 'hello world'),
    ('u1', '!drop be'),
    ('u2', '!seed x=5;y=7'),
    ('u1', 'not now'),
    ('u2', '!report'),
    ('u1', '!report'),
    ('u2', '!reset'),
    ('u2', '!report'),
    ('u2', 'x again'),
    ('u2', '!report'),
]


class WordCounter(FlatMapFunction):

    def open(self, runtime_context: RuntimeContext):
        self.counts = runtime_context.get_map_state(
            MapStateDescriptor('counts', Types.STRING(), Types.LONG()))

    def flat_map(self, value):
        user, text = value
        if text.startswith('!drop '):
            word = text[6:]
            yield Row(user, 'drop', '%s present=%s' % (word, self.counts.contains(word)))
            self.counts.remove(word)
            yield Row(user, 'drop', '%s present=%s' % (word, self.counts.contains(word)))
        elif text.startswith('!seed '):
            pairs = [kv.split('=') for kv in text[6:].split(';')]
            # PyFlink 2.3 put_all iterates its argument as (key, value) pairs: a plain
            # dict fails (ValueError: not enough values to unpack), so pass items().
            self.counts.put_all({k: int(v) for k, v in pairs}.items())
        elif text == '!report':
            if self.counts.is_empty():
                yield Row(user, 'report', 'empty')
            else:
                yield Row(user, 'keys', ' '.join(sorted(self.counts.keys())))
                yield Row(user, 'total', str(sum(self.counts.values())))
                items = sorted(self.counts.items())
                yield Row(user, 'items', ' '.join('%s:%d' % kv for kv in items))
        elif text == '!reset':
            self.counts.clear()
        else:
            for word in text.split():
                old = self.counts.get(word)
                self.counts.put(word, 1 if old is None else old + 1)
                yield Row(user, 'count', '%s=%d' % (word, self.counts.get(word)))


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(LINES, type_info=Types.TUPLE([Types.STRING(), Types.STRING()]))
    ds.key_by(lambda v: v[0]) \
        .flat_map(WordCounter(), output_type=Types.ROW(
            [Types.STRING(), Types.STRING(), Types.STRING()])) \
        .print()

    env.execute("ds_map_state")


if __name__ == '__main__':
    main()
