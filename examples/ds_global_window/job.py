"""Global windows with a CountTrigger: GlobalWindows.create() never fires on its own
(NeverTrigger); .trigger(CountTrigger.of(3)) fires every 3rd element of a key WITHOUT
purging, so each firing sees all elements so far. Elements after the last firing are
never emitted (the final watermark does not fire a GlobalWindow)."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessWindowFunction
from pyflink.datastream.window import CountTrigger, GlobalWindows

EVENTS = [('x', 1), ('y', 10), ('x', 2), ('x', 3), ('y', 20), ('x', 4), ('y', 30),
          ('x', 5), ('x', 6), ('y', 40), ('x', 7), ('x', 8)]


class Snapshot(ProcessWindowFunction):

    def process(self, key, context: 'ProcessWindowFunction.Context', elements):
        values = [e[1] for e in elements]
        yield '%s %s: %d elements %s sum=%d' % (
            key, context.window(), len(values), values, sum(values))


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    events = env.from_collection(EVENTS, type_info=Types.TUPLE([Types.STRING(), Types.INT()]))
    events.key_by(lambda e: e[0]) \
        .window(GlobalWindows.create()) \
        .trigger(CountTrigger.of(3)) \
        .process(Snapshot(), output_type=Types.STRING()) \
        .print()

    env.execute("ds_global_window")


if __name__ == '__main__':
    main()
