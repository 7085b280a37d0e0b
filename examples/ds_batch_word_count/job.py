"""RuntimeExecutionMode.BATCH, PyFlink's own DataStream word count: keyed reduce emits only each key's
final count, at the end of the input, in the order Flink's batch mode sorts the keys — the pickled
bytes of a key without a declared type (shorter first), a declared key type's own order — also for
sum() and integer keys."""
from pyflink.common import Types
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
env.set_runtime_mode(RuntimeExecutionMode.BATCH)
env.set_parallelism(1)

lines = env.from_collection([
    "To be, or not to be,--that is the question:--",
    "Whether 'tis nobler in the mind to suffer",
    "The slings and arrows of outrageous fortune",
    "Or to take arms against a sea of troubles,",
    "And by opposing end them?--To die,--to sleep,--",
])


def split(line):
    yield from line.split()


words = lines.flat_map(split).map(lambda w: (w, 1), output_type=Types.TUPLE([Types.STRING(), Types.INT()]))
words.key_by(lambda t: t[0]).reduce(lambda a, b: (a[0], a[1] + b[1])).print()
words.key_by(lambda t: t[0], key_type=Types.STRING()).sum(1).print("typed")

numbers = env.from_collection([(3, 1), (300, 2), (7, 3), (70000, 4), (-1, 5), (3, 6), (255, 7), (256, 8)],
                              type_info=Types.TUPLE([Types.INT(), Types.INT()]))
numbers.key_by(lambda t: t[0]).reduce(lambda a, b: (a[0], a[1] + b[1])).print("ints")
env.execute()
