"""Processing-time timers in a bounded job (what PyFlink 2.3 actually does).

Timer registrations reach the Java timer service when the Python bundle is flushed, which
for a small bounded input normally happens once, at end of input. Then:
  * a timer whose time has already passed (here 1000 = 1 s after the epoch) fires once,
    after the records and after every event-time timer;
  * a timer in the future (now + 1 day) never fires: the job ends first and pending
    processing-time timers are dropped;
  * a timer deleted with delete_processing_time_timer does not fire.
Only the LAST record registers a past timer, and on_timer does not print the watermark:
under heavy machine load a time-based bundle flush (python.fn-execution.bundle.time,
1000 ms) can register a past timer mid-stream, where it fires at once (watermark still
Long.MIN_VALUE). Several past timers with different timestamps fire non-deterministically
at end of input (Flink chains one wake-up per timestamp and the task may finish first).
"""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import KeyedProcessFunction

DAY = 24 * 3600 * 1000
DUE = 1000  # an instant long past: due as soon as it is registered

# (ticket, command)
COMMANDS = [('t1', 'remind-tomorrow'), ('t2', 'remind-tomorrow'), ('t3', 'remind-and-cancel'),
            ('t1', 'cancel-tomorrow'), ('t4', 'remind-tomorrow'), ('t2', 'remind-and-cancel'),
            ('t5', 'remind-now')]


class Reminders(KeyedProcessFunction):

    def process_element(self, value, ctx: 'KeyedProcessFunction.Context'):
        ticket, command = value
        timers = ctx.timer_service()
        now = timers.current_processing_time()
        tomorrow = now - now % DAY + DAY
        if command == 'remind-now':
            timers.register_processing_time_timer(DUE)
        elif command == 'remind-tomorrow':
            timers.register_processing_time_timer(tomorrow)
        elif command == 'cancel-tomorrow':
            timers.delete_processing_time_timer(tomorrow)
        elif command == 'remind-and-cancel':
            timers.register_processing_time_timer(DUE)
            timers.delete_processing_time_timer(DUE)
        yield '%s %s (clock after 2020: %s)' % (ticket, command, now > 1577836800000)

    def on_timer(self, timestamp: int, ctx: 'KeyedProcessFunction.OnTimerContext'):
        yield '%s reminder at %d (ctx.timestamp=%d, domain=%s)' % (
            ctx.get_current_key(), timestamp, ctx.timestamp(), ctx.time_domain())


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
