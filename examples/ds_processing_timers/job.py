"""Processing-time timers in a bounded job (what PyFlink 2.3 actually does).

Timers reach the Java timer service when the Python bundle is flushed, which for a small
bounded input happens once, at end of input (after the final watermark). Then:
  * timers whose time has already passed fire once, right after the final watermark (so
    current_watermark() is Long.MAX_VALUE there), in timestamp order / timer-heap order;
  * a timer in the future (now + 1 day) never fires: the job ends first and pending
    processing-time timers are dropped;
  * delete_processing_time_timer removes a pending timer, so it does not fire.
All due timers here share ONE timestamp (1000 = 1 s after the epoch) on purpose: Flink
schedules one wake-up for the earliest timer and fires only timers <= that wake-up time,
then schedules the next one; at end of input that chain of wake-ups races with the task
shutting down, so past timers with DIFFERENT timestamps fire non-deterministically (seen:
2 of 6 in one run, 4 of 6 in another). Timers a few ms in the future are racy too.
"""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import KeyedProcessFunction

DAY = 24 * 3600 * 1000
DUE = 1000  # an instant long past: due as soon as it is registered

# (ticket, command)
COMMANDS = [('t1', 'remind-now'), ('t2', 'remind-tomorrow'), ('t3', 'remind-now'),
            ('t4', 'remind-now'), ('t3', 'cancel'), ('t5', 'remind-tomorrow'),
            ('t2', 'remind-now'), ('t6', 'remind-now'), ('t1', 'remind-now')]


class Reminders(KeyedProcessFunction):

    def process_element(self, value, ctx: 'KeyedProcessFunction.Context'):
        ticket, command = value
        timers = ctx.timer_service()
        now = timers.current_processing_time()
        if command == 'remind-now':
            timers.register_processing_time_timer(DUE)
        elif command == 'remind-tomorrow':
            timers.register_processing_time_timer(now + DAY)
        elif command == 'cancel':
            timers.delete_processing_time_timer(DUE)
        yield '%s %s (clock after 2020: %s)' % (ticket, command, now > 1577836800000)

    def on_timer(self, timestamp: int, ctx: 'KeyedProcessFunction.OnTimerContext'):
        yield '%s reminder at %d (ctx.timestamp=%d, domain=%s, watermark=%d)' % (
            ctx.get_current_key(), timestamp, ctx.timestamp(), ctx.time_domain(),
            ctx.timer_service().current_watermark())


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(COMMANDS, type_info=Types.TUPLE([Types.STRING(), Types.STRING()]))
    ds.key_by(lambda c: c[0]) \
        .process(Reminders(), output_type=Types.STRING()) \
        .print()

    env.execute("ds_processing_timers")


if __name__ == '__main__':
    main()
