"""A running word count at parallelism 2: key_by spreads the words over two subtasks and
print() prefixes each line with the 1-based index of the printing subtask ("1> ", "2> ").
The interleaving of the two subtasks is not defined -> compared as a multiset. Which
subtask a key lands on is fixed (see PRINT_FORMAT.md)."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment

TEXT = ['to be or not to be', 'that is the question', 'to sleep perchance to dream',
        'ay there is the rub']


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(2)

    env.from_collection(TEXT, type_info=Types.STRING()) \
        .flat_map(lambda line: ((w, 1) for w in line.split()),
                  output_type=Types.TUPLE([Types.STRING(), Types.INT()])) \
        .key_by(lambda p: p[0]) \
        .reduce(lambda a, b: (a[0], a[1] + b[1])) \
        .print()

    env.execute("ds_parallel_print")


if __name__ == '__main__':
    main()
