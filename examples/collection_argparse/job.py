import argparse

from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment

NUM_BUCKETS = 3


def make_record(prefix, i):
    return '{}-{}'.format(prefix, i % NUM_BUCKETS), i * 10


def to_tuple(value):
    name, amount = value
    return name.upper(), amount + 1


def main():
    parser = argparse.ArgumentParser(description='collection_argparse example')
    parser.add_argument('--rows', type=int, default=20)
    parser.add_argument('--prefix', type=str, default='item')
    args = parser.parse_args()

    data = []
    for i in range(args.rows):
        data.append(make_record(args.prefix, i))
    data.append((f'{args.prefix}-extra', 7))

    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(
        data, type_info=Types.TUPLE([Types.STRING(), Types.LONG()]))
    ds = ds.map(to_tuple, output_type=Types.TUPLE([Types.STRING(), Types.LONG()])) \
        .filter(lambda v: v[1] % 20 != 11) \
        .key_by(lambda v: v[0]) \
        .reduce(lambda a, b: (a[0], a[1] + b[1]))
    ds.print()

    env.execute("collection_argparse")


if __name__ == '__main__':
    main()
