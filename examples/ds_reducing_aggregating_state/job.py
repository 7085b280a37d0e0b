"""Sensor statistics with a ReducingState (running max, via a lambda), a second
ReducingState (running total, via a ReduceFunction subclass) and an AggregatingState
(running average, via an AggregateFunction subclass), all in one keyed map."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import (AggregateFunction, MapFunction, ReduceFunction,
                                          RuntimeContext)
from pyflink.datastream.state import AggregatingStateDescriptor, ReducingStateDescriptor

READINGS = [('s1', 20), ('s2', 5), ('s1', 24), ('s1', 19), ('s2', 7), ('s3', 100),
            ('s1', -1), ('s2', 3), ('s1', 30), ('s3', 50)]


class Sum(ReduceFunction):

    def reduce(self, value1, value2):
        return value1 + value2


class Average(AggregateFunction):

    def create_accumulator(self):
        return 0, 0

    def add(self, value, accumulator):
        return accumulator[0] + value, accumulator[1] + 1

    def get_result(self, accumulator):
        return accumulator[0] / accumulator[1]

    def merge(self, acc_a, acc_b):
        return acc_a[0] + acc_b[0], acc_a[1] + acc_b[1]


class SensorStats(MapFunction):

    def open(self, runtime_context: RuntimeContext):
        self.max = runtime_context.get_reducing_state(
            ReducingStateDescriptor('max', lambda a, b: max(a, b), Types.LONG()))
        self.total = runtime_context.get_reducing_state(
            ReducingStateDescriptor('total', Sum(), Types.LONG()))
        self.avg = runtime_context.get_aggregating_state(
            AggregatingStateDescriptor('avg', Average(),
                                       Types.TUPLE([Types.LONG(), Types.LONG()])))

    def map(self, value):
        sensor, reading = value
        if reading < 0:
            # a negative reading resets the sensor; get() of a cleared state is None
            self.max.clear()
            self.total.clear()
            self.avg.clear()
            return sensor, reading, str(self.max.get()), str(self.avg.get())
        self.max.add(reading)
        self.total.add(reading)
        self.avg.add(reading)
        return sensor, reading, 'max=%d total=%d' % (self.max.get(), self.total.get()), \
            'avg=%.2f' % self.avg.get()


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(READINGS, type_info=Types.TUPLE([Types.STRING(), Types.LONG()]))
    ds.key_by(lambda r: r[0]) \
        .map(SensorStats(), output_type=Types.TUPLE(
            [Types.STRING(), Types.LONG(), Types.STRING(), Types.STRING()])) \
        .print()

    env.execute("ds_reducing_aggregating_state")


if __name__ == '__main__':
    main()
