"""Windows, window assigners and triggers, as PyFlink 2.3 declares them.

Assigners and triggers describe themselves with `spec()`; sluice's runtime implements the built-in
ones natively. Custom (user-subclassed) assigners and triggers are not supported yet.
"""
from pyflink.common.time import Duration, Time


def _millis(t):
    if t is None:
        return 0
    if isinstance(t, (Time, Duration)):
        return t.to_milliseconds()
    if isinstance(t, int):
        return t
    raise TypeError(f"expected a Time or Duration, got {type(t).__name__}")


class Window(object):
    def max_timestamp(self):
        raise NotImplementedError


class TimeWindow(Window):
    def __init__(self, start, end):
        self.start = start
        self.end = end

    def max_timestamp(self):
        return self.end - 1

    def intersects(self, other):
        return self.start <= other.end and self.end >= other.start

    def cover(self, other):
        return TimeWindow(min(self.start, other.start), max(self.end, other.end))

    @staticmethod
    def get_window_start_with_offset(timestamp, offset, window_size):
        remainder = (timestamp - offset) % window_size
        return timestamp - remainder

    def __hash__(self):
        return self.start + (self.end << 1 if self.end >= 0 else self.end)

    def __eq__(self, other):
        return isinstance(other, TimeWindow) and self.start == other.start and self.end == other.end

    def __lt__(self, other):
        return self.start < other.start

    def __repr__(self):
        return "TimeWindow(start={}, end={})".format(self.start, self.end)


class CountWindow(Window):
    def __init__(self, id):
        self.id = id

    def max_timestamp(self):
        return 9223372036854775807

    def __hash__(self):
        return self.id

    def __eq__(self, other):
        return isinstance(other, CountWindow) and self.id == other.id

    def __repr__(self):
        return "CountWindow(id={})".format(self.id)


class GlobalWindow(Window):
    def max_timestamp(self):
        return 9223372036854775807

    def __eq__(self, other):
        return isinstance(other, GlobalWindow)

    def __hash__(self):
        return 0

    def __repr__(self):
        return "GlobalWindow"


class Trigger(object):
    def spec(self):
        raise TypeError("custom triggers are not supported by sluice yet")


class EventTimeTrigger(Trigger):
    @staticmethod
    def create():
        return EventTimeTrigger()

    def spec(self):
        return {"kind": "event_time"}


class ProcessingTimeTrigger(Trigger):
    @staticmethod
    def create():
        return ProcessingTimeTrigger()

    def spec(self):
        return {"kind": "processing_time"}


class CountTrigger(Trigger):
    def __init__(self, count):
        self._count = count

    @staticmethod
    def of(window_size):
        return CountTrigger(window_size)

    def spec(self):
        return {"kind": "count", "count": self._count}


class PurgingTrigger(Trigger):
    def __init__(self, nested):
        self._nested = nested

    @staticmethod
    def of(nested_trigger):
        return PurgingTrigger(nested_trigger)

    def spec(self):
        return {"kind": "purging", "nested": self._nested.spec()}


class NeverTrigger(Trigger):
    @staticmethod
    def create():
        return NeverTrigger()

    def spec(self):
        return {"kind": "never"}


class ContinuousEventTimeTrigger(Trigger):
    def __init__(self, interval):
        self._interval = interval

    @staticmethod
    def of(interval):
        return ContinuousEventTimeTrigger(_millis(interval))

    def spec(self):
        return {"kind": "continuous_event_time", "interval": self._interval}


class WindowAssigner(object):
    def spec(self):
        raise TypeError("custom window assigners are not supported by sluice yet")

    def is_event_time(self):
        return self.spec().get("time") == "event"


class MergingWindowAssigner(WindowAssigner):
    pass


class SessionWindowTimeGapExtractor(object):
    def extract(self, element):
        raise NotImplementedError


class _TimeWindows(WindowAssigner):
    _time = None

    def __init__(self, size, slide, offset):
        if size <= 0 or slide <= 0:
            raise ValueError("window size and slide must be positive")
        self._size, self._slide, self._offset = size, slide, offset

    def spec(self):
        return {"kind": "sliding", "time": self._time, "size": self._size, "slide": self._slide,
                "offset": self._offset}


class TumblingEventTimeWindows(_TimeWindows):
    _time = "event"

    @staticmethod
    def of(size, offset=None):
        return TumblingEventTimeWindows(_millis(size), _millis(size), _millis(offset))


class TumblingProcessingTimeWindows(_TimeWindows):
    _time = "processing"

    @staticmethod
    def of(size, offset=None):
        return TumblingProcessingTimeWindows(_millis(size), _millis(size), _millis(offset))


class SlidingEventTimeWindows(_TimeWindows):
    _time = "event"

    @staticmethod
    def of(size, slide, offset=None):
        return SlidingEventTimeWindows(_millis(size), _millis(slide), _millis(offset))


class SlidingProcessingTimeWindows(_TimeWindows):
    _time = "processing"

    @staticmethod
    def of(size, slide, offset=None):
        return SlidingProcessingTimeWindows(_millis(size), _millis(slide), _millis(offset))


class _SessionWindows(MergingWindowAssigner):
    _time = None

    def __init__(self, gap, extractor=None):
        self._gap = gap
        self._extractor = extractor

    def spec(self):
        return {"kind": "session", "time": self._time, "gap": self._gap, "dynamic": self._extractor is not None}


class EventTimeSessionWindows(_SessionWindows):
    _time = "event"

    @staticmethod
    def with_gap(size):
        return EventTimeSessionWindows(_millis(size))

    @staticmethod
    def with_dynamic_gap(extractor):
        return DynamicEventTimeSessionWindows(0, extractor)


class DynamicEventTimeSessionWindows(EventTimeSessionWindows):
    @staticmethod
    def with_dynamic_gap(extractor):
        return DynamicEventTimeSessionWindows(0, extractor)


class ProcessingTimeSessionWindows(_SessionWindows):
    _time = "processing"

    @staticmethod
    def with_gap(size):
        return ProcessingTimeSessionWindows(_millis(size))

    @staticmethod
    def with_dynamic_gap(extractor):
        return DynamicProcessingTimeSessionWindows(0, extractor)


class DynamicProcessingTimeSessionWindows(ProcessingTimeSessionWindows):
    @staticmethod
    def with_dynamic_gap(extractor):
        return DynamicProcessingTimeSessionWindows(0, extractor)


class GlobalWindows(WindowAssigner):
    @staticmethod
    def create():
        return GlobalWindows()

    def spec(self):
        return {"kind": "global"}


class CountTumblingWindowAssigner(WindowAssigner):
    def __init__(self, size):
        self._size = size

    @staticmethod
    def of(window_size):
        return CountTumblingWindowAssigner(window_size)

    def spec(self):
        return {"kind": "count", "size": self._size, "slide": self._size}


class CountSlidingWindowAssigner(WindowAssigner):
    def __init__(self, size, slide):
        self._size, self._slide = size, slide

    @staticmethod
    def of(window_size, window_slide):
        return CountSlidingWindowAssigner(window_size, window_slide)

    def spec(self):
        return {"kind": "count", "size": self._size, "slide": self._slide}
