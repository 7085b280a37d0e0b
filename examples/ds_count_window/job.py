"""Batches of 3 orders per warehouse: a tumbling count window (count_window(3)) with a
WindowFunction (apply). The window is a CountWindow; incomplete batches at end of input
are never emitted (count windows do not fire on the final watermark)."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import WindowFunction

ORDERS = [('w1', 'o1', 3), ('w2', 'o2', 1), ('w1', 'o3', 5), ('w1', 'o4', 2),
          ('w2', 'o5', 4), ('w1', 'o6', 1), ('w2', 'o7', 2), ('w1', 'o8', 6),
          ('w1', 'o9', 1), ('w1', 'o10', 1), ('w2', 'o11', 9), ('w1', 'o12', 3)]


class Batch(WindowFunction):

    def apply(self, key, window, inputs):
        ids = [o[1] for o in inputs]
        yield key, repr(window), len(ids), ','.join(ids), sum(o[2] for o in inputs)


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    orders = env.from_collection(
        ORDERS, type_info=Types.TUPLE([Types.STRING(), Types.STRING(), Types.INT()]))
    orders.key_by(lambda o: o[0]) \
        .count_window(3) \
        .apply(Batch(), output_type=Types.TUPLE(
            [Types.STRING(), Types.STRING(), Types.INT(), Types.STRING(), Types.INT()])) \
        .print()

    env.execute("ds_count_window")


if __name__ == '__main__':
    main()
