"""User function base classes, as PyFlink defines them; the runtime calls their methods."""


class Function(object):
    def open(self, runtime_context):
        pass

    def close(self):
        pass


class RuntimeContext(object):
    """Given to `open()`; inside a sluice binary the runtime provides the implementation."""

    def get_task_name(self):
        raise NotImplementedError

    def get_number_of_parallel_subtasks(self):
        raise NotImplementedError

    def get_index_of_this_subtask(self):
        raise NotImplementedError

    def get_state(self, state_descriptor):
        raise NotImplementedError


class MapFunction(Function):
    def map(self, value):
        raise NotImplementedError


class FlatMapFunction(Function):
    def flat_map(self, value):
        raise NotImplementedError


class FilterFunction(Function):
    def filter(self, value):
        raise NotImplementedError


class ReduceFunction(Function):
    def reduce(self, value1, value2):
        raise NotImplementedError


class KeySelector(Function):
    def get_key(self, value):
        raise NotImplementedError


class CoMapFunction(Function):
    def map1(self, value):
        raise NotImplementedError

    def map2(self, value):
        raise NotImplementedError


class CoFlatMapFunction(Function):
    def flat_map1(self, value):
        raise NotImplementedError

    def flat_map2(self, value):
        raise NotImplementedError


class AggregateFunction(Function):
    def create_accumulator(self):
        raise NotImplementedError

    def add(self, value, accumulator):
        raise NotImplementedError

    def get_result(self, accumulator):
        raise NotImplementedError

    def merge(self, acc_a, acc_b):
        raise NotImplementedError


class TimerService(object):
    def current_processing_time(self):
        raise NotImplementedError

    def current_watermark(self):
        raise NotImplementedError

    def register_processing_time_timer(self, timestamp):
        raise NotImplementedError

    def register_event_time_timer(self, timestamp):
        raise NotImplementedError

    def delete_processing_time_timer(self, timestamp):
        raise NotImplementedError

    def delete_event_time_timer(self, timestamp):
        raise NotImplementedError


class ProcessFunction(Function):
    class Context(object):
        def timer_service(self):
            raise NotImplementedError

        def timestamp(self):
            raise NotImplementedError

    def process_element(self, value, ctx):
        raise NotImplementedError


class KeyedProcessFunction(Function):
    class Context(object):
        def get_current_key(self):
            raise NotImplementedError

        def timer_service(self):
            raise NotImplementedError

        def timestamp(self):
            raise NotImplementedError

    class OnTimerContext(Context):
        def time_domain(self):
            raise NotImplementedError

    def process_element(self, value, ctx):
        raise NotImplementedError

    def on_timer(self, timestamp, ctx):
        pass


class WindowFunction(Function):
    def apply(self, key, window, inputs):
        raise NotImplementedError


class ProcessWindowFunction(Function):
    class Context(object):
        def window(self):
            raise NotImplementedError

    def process(self, key, context, elements):
        raise NotImplementedError

    def clear(self, context):
        pass


class KeyedCoProcessFunction(Function):
    def process_element1(self, value, ctx):
        raise NotImplementedError

    def process_element2(self, value, ctx):
        raise NotImplementedError

    def on_timer(self, timestamp, ctx):
        pass


class CoProcessFunction(Function):
    def process_element1(self, value, ctx):
        raise NotImplementedError

    def process_element2(self, value, ctx):
        raise NotImplementedError


from enum import Enum


class TimeDomain(Enum):
    EVENT_TIME = 0
    PROCESSING_TIME = 1


from pyflink.datastream.output_tag import OutputTag  # noqa: E402,F401  (PyFlink exports it here too)
