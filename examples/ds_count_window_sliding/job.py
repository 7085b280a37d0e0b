"""Sums over windows of 4 readings per meter, a new window starting every 2 readings: a
sliding count window (count_window(4, 2)) with reduce. PyFlink emits a window only when it
holds 4 readings (readings 1-4, 3-6, 5-8, ...); windows still incomplete at end of input
are never emitted. (This differs from Java's countWindow(4, 2), which fires every 2
elements with up to the last 4.)"""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment

READINGS = [('m1', 1), ('m1', 2), ('m2', 10), ('m1', 3), ('m1', 4), ('m2', 20),
            ('m1', 5), ('m2', 30), ('m1', 6), ('m2', 40), ('m2', 50), ('m1', 7)]


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    readings = env.from_collection(READINGS, type_info=Types.TUPLE([Types.STRING(), Types.LONG()]))
    readings.map(lambda r: (r[0], r[1], 1),
                 output_type=Types.TUPLE([Types.STRING(), Types.LONG(), Types.INT()])) \
        .key_by(lambda r: r[0]) \
        .count_window(4, 2) \
        .reduce(lambda a, b: (a[0], a[1] + b[1], a[2] + b[2])) \
        .print()

    env.execute("ds_count_window_sliding")


if __name__ == '__main__':
    main()
