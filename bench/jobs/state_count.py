"""The seed's state job (examples/state_access) with the sequence length from the command line.

    python state_count.py --count 10000000
"""
import argparse

from pyflink.common import WatermarkStrategy, Row
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors import NumberSequenceSource
from pyflink.datastream.functions import RuntimeContext, MapFunction
from pyflink.datastream.state import ValueStateDescriptor


class MyMapFunction(MapFunction):

    def open(self, runtime_context: RuntimeContext):
        self.cnt_state = runtime_context.get_state(ValueStateDescriptor('cnt', Types.LONG()))

    def map(self, value):
        cnt = self.cnt_state.value()
        if cnt is None:
            cnt = 0
        new_cnt = cnt + 1
        self.cnt_state.update(new_cnt)
        return value[0], new_cnt


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)
    ds = env.from_source(NumberSequenceSource(1, args.count), WatermarkStrategy.for_monotonous_timestamps(),
                         'seq_num_source', type_info=Types.LONG())
    ds = ds.map(lambda a: Row(a % 4, 1), output_type=Types.ROW([Types.LONG(), Types.LONG()])) \
           .key_by(lambda a: a[0]) \
           .map(MyMapFunction(), output_type=Types.TUPLE([Types.LONG(), Types.LONG()])) \
           .filter(lambda t: t[1] % 1000000 == 0)
    ds.print()
    env.execute()


if __name__ == '__main__':
    main()
