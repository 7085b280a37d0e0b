"""Physical partitioning calls at parallelism 1: shuffle, rebalance, rescale, forward,
broadcast and partition_custom, plus name/uid/set_description on the operators. With one
parallel instance every record still takes the single path, so the output (and its
order) is the same as without the partitioning calls."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment

WORDS = ['kafka', 'flink', 'beam', 'spark', 'storm', 'samza', 'flume', 'pulsar']


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    words = env.from_collection(WORDS, type_info=Types.STRING()).name('words').uid('src')
    ds = words.shuffle() \
        .map(lambda w: w.upper(), output_type=Types.STRING()).name('upper').uid('upper') \
        .rebalance() \
        .filter(lambda w: w != 'STORM').name('drop-storm') \
        .rescale() \
        .map(lambda w: (w, len(w)), output_type=Types.TUPLE([Types.STRING(), Types.INT()])) \
        .set_description('word and its length') \
        .forward() \
        .broadcast() \
        .partition_custom(lambda key, num_partitions: key % num_partitions, lambda t: t[1]) \
        .map(lambda t: '%s:%d' % t, output_type=Types.STRING()).uid('fmt')
    ds.print().name('stdout')

    env.execute("ds_partitioning")


if __name__ == '__main__':
    main()
