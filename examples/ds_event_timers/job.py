"""Unpaid-order alerts with event-time timers in a KeyedProcessFunction.

'placed' registers a timer 1000 ms after the record's timestamp, 'paid' deletes it, and a
fired timeout registers a second 'escalate' timer 500 ms later (it fires too: the final
watermark is Long.MAX_VALUE). Timers fire only after the whole input: current_watermark()
is Long.MIN_VALUE (-9223372036854775808) in process_element and Long.MAX_VALUE
(9223372036854775807) in on_timer; ctx.timestamp() in on_timer is the timer's timestamp.
Orders o3 and o5 time out at the same instant (3000).
"""
from pyflink.common import WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor

EVENTS = [(100, 'o1', 'placed'), (400, 'o2', 'placed'), (700, 'o1', 'paid'),
          (1200, 'o3', 'placed'), (1500, 'o4', 'placed'), (1800, 'o2', 'paid'),
          (2000, 'o5', 'placed'), (2100, 'o4', 'paid'), (2600, 'o6', 'placed')]


class EventTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


class UnpaidOrders(KeyedProcessFunction):

    def open(self, runtime_context: RuntimeContext):
        self.placed_at = runtime_context.get_state(ValueStateDescriptor('placed', Types.LONG()))

    def process_element(self, value, ctx: 'KeyedProcessFunction.Context'):
        order, action = value[1], value[2]
        timers = ctx.timer_service()
        if action == 'placed':
            self.placed_at.update(ctx.timestamp())
            timers.register_event_time_timer(ctx.timestamp() + 1000)
        else:
            timers.delete_event_time_timer(self.placed_at.value() + 1000)
        yield '%s %s at %d (key=%s, watermark=%d)' % (
            order, action, ctx.timestamp(), ctx.get_current_key(), timers.current_watermark())

    def on_timer(self, timestamp: int, ctx: 'KeyedProcessFunction.OnTimerContext'):
        kind = 'timeout' if timestamp == self.placed_at.value() + 1000 else 'escalate'
        if kind == 'timeout':
            ctx.timer_service().register_event_time_timer(timestamp + 500)
        yield '%s %s at %d (ctx.timestamp=%d, watermark=%d, domain=%s)' % (
            ctx.get_current_key(), kind, timestamp, ctx.timestamp(),
            ctx.timer_service().current_watermark(), ctx.time_domain())


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(
        EVENTS, type_info=Types.TUPLE([Types.LONG(), Types.STRING(), Types.STRING()]))
    ds.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_monotonous_timestamps().with_timestamp_assigner(EventTime())) \
        .key_by(lambda e: e[1]) \
        .process(UnpaidOrders(), output_type=Types.STRING()) \
        .print()

    env.execute("ds_event_timers")


if __name__ == '__main__':
    main()
