"""User sessions: event-time session windows with a 500 ms gap and a ProcessWindowFunction
that prints the session bounds (context.window().start / .end, end = last event + gap),
the window's repr and the pages visited. The out-of-order record (750, 'ann') bridges
ann's sessions [0, 800) and [1200, 1700) into one session [0, 1700)."""
from pyflink.common import Duration, Row, Time, WatermarkStrategy
from pyflink.common.typeinfo import Types
from pyflink.common.watermark_strategy import TimestampAssigner
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessWindowFunction
from pyflink.datastream.window import EventTimeSessionWindows

# (timestamp ms, user, page)
VISITS = [(0, 'ann', 'home'), (200, 'bob', 'home'), (300, 'ann', 'cart'),
          (1200, 'ann', 'home'), (1300, 'bob', 'faq'), (750, 'ann', 'pay'),
          (2300, 'ann', 'faq'), (1900, 'bob', 'home'), (2200, 'bob', 'cart'),
          (4000, 'cid', 'home')]


class VisitTime(TimestampAssigner):

    def extract_timestamp(self, value, record_timestamp) -> int:
        return value[0]


class Session(ProcessWindowFunction):

    def process(self, key, context: 'ProcessWindowFunction.Context', elements):
        window = context.window()
        pages = [v[2] for v in sorted(elements)]
        yield Row(key, window.start, window.end, repr(window), len(pages), '>'.join(pages))


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    visits = env.from_collection(
        VISITS, type_info=Types.TUPLE([Types.LONG(), Types.STRING(), Types.STRING()]))
    visits.assign_timestamps_and_watermarks(
        WatermarkStrategy.for_bounded_out_of_orderness(Duration.of_millis(1000))
        .with_timestamp_assigner(VisitTime())) \
        .key_by(lambda v: v[1]) \
        .window(EventTimeSessionWindows.with_gap(Time.milliseconds(500))) \
        .process(Session(), output_type=Types.ROW(
            [Types.STRING(), Types.LONG(), Types.LONG(), Types.STRING(), Types.INT(),
             Types.STRING()])) \
        .print()

    env.execute("ds_session_window")


if __name__ == '__main__':
    main()
