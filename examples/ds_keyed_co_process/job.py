"""Order/payment reconciliation: two keyed streams connected (connect + key_by) into a
KeyedCoProcessFunction with ValueState. Each order registers an event-time timer 1 s after
it was placed; the verdict is emitted only from on_timer. Timers fire at the final
watermark, after both inputs are fully consumed, so the output does not depend on how the
two inputs interleave (each order's timer has a distinct timestamp)."""
from pyflink.common import WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import KeyedCoProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor

# (timestamp ms, order id, amount)
ORDERS = [(100, 'o1', 30), (200, 'o2', 15), (350, 'o3', 50), (500, 'o4', 20)]
PAYMENTS = [(150, 'o1', 30), (260, 'o3', 20), (400, 'o2', 15), (450, 'o2', 5),
            (700, 'o3', 30), (900, 'o9', 5)]


class First(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


class Reconcile(KeyedCoProcessFunction):

    def open(self, runtime_context: RuntimeContext):
        self.due = runtime_context.get_state(ValueStateDescriptor('due', Types.LONG()))
        self.paid = runtime_context.get_state(ValueStateDescriptor('paid', Types.LONG()))

    def process_element1(self, value, ctx: 'KeyedCoProcessFunction.Context'):
        self.due.update(value[2])
        ctx.timer_service().register_event_time_timer(ctx.timestamp() + 1000)

    def process_element2(self, value, ctx: 'KeyedCoProcessFunction.Context'):
        self.paid.update((self.paid.value() or 0) + value[2])

    def on_timer(self, timestamp: int, ctx: 'KeyedCoProcessFunction.OnTimerContext'):
        due, paid = self.due.value(), self.paid.value() or 0
        status = 'settled' if paid == due else ('open' if paid < due else 'overpaid')
        yield ctx.get_current_key(), timestamp, due, paid, status


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    row = Types.TUPLE([Types.LONG(), Types.STRING(), Types.LONG()])
    strategy = WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(First())
    orders = env.from_collection(ORDERS, type_info=row).assign_timestamps_and_watermarks(strategy)
    payments = env.from_collection(PAYMENTS, type_info=row) \
        .assign_timestamps_and_watermarks(strategy)
    orders.connect(payments) \
        .key_by(lambda o: o[1], lambda p: p[1]) \
        .process(Reconcile(), output_type=Types.TUPLE(
            [Types.STRING(), Types.LONG(), Types.LONG(), Types.LONG(), Types.STRING()])) \
        .print()

    env.execute("ds_keyed_co_process")


if __name__ == '__main__':
    main()
