"""`DataStream.execute_and_collect()`: a job's elements handed back to the script (tuples and Rows as
the stream's type declares them), in a `with` block, with `limit` (a list), and a stream defined for an
earlier job read again by a later one."""
from pyflink.common import Row, Types
from pyflink.datastream import StreamExecutionEnvironment

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
words = env.from_collection(["to be", "or not", "to be"], type_info=Types.STRING())
counts = words.flat_map(lambda line: [(w, 1) for w in line.split()],
                        output_type=Types.TUPLE([Types.STRING(), Types.INT()])) \
    .key_by(lambda t: t[0]) \
    .reduce(lambda a, b: (a[0], a[1] + b[1]))

with counts.execute_and_collect() as results:
    for word, count in results:
        print(f"{word}: {count}")

lengths = words.map(lambda line: Row(line=line, length=len(line)),
                    output_type=Types.ROW_NAMED(["line", "length"], [Types.STRING(), Types.INT()]))
print(lengths.execute_and_collect(limit=2))

total = 0
for word, count in counts.execute_and_collect("again"):
    total += count
print("total:", total)
