"""What the native runtime calls into Python for, besides user functions themselves.

Opening and closing user functions with a RuntimeContext, and the contexts handed to process and
window functions. Kept small: the hot path calls user functions directly from Rust.
"""
import json

from pyflink.datastream.functions import Function, RuntimeContext
from pyflink.datastream.state import (AggregatingStateDescriptor, ListStateDescriptor, MapStateDescriptor,
                                     ReducingStateDescriptor, ValueStateDescriptor)
from _sluice.errors import JobDefinitionError, Unsupported

def _spec(type_info):
    return json.dumps(type_info.spec() if type_info is not None else {"type": "PICKLED"})

def _ttl_ms(descriptor):
    config = getattr(descriptor, "_ttl_config", None)
    return config.get_ttl().to_milliseconds() if config is not None else None

class SluiceRuntimeContext(RuntimeContext):
    def __init__(self, task_name, state_store):
        self._task_name = task_name
        self._state_store = state_store

    def get_task_name(self):
        return self._task_name

    def get_task_name_with_subtasks(self):
        return f"{self._task_name} (1/1)#0"

    def get_number_of_parallel_subtasks(self):
        return 1

    def get_max_number_of_parallel_subtasks(self):
        return 128

    def get_index_of_this_subtask(self):
        return 0

    def get_attempt_number(self):
        return 0

    def get_job_parameter(self, key, default_value):
        return default_value

    def get_metrics_group(self):
        from _sluice.metrics import MetricGroup
        return MetricGroup([self._task_name])

    def _store(self, descriptor, expected):
        if not isinstance(descriptor, expected):
            raise JobDefinitionError(f"expected a {expected.__name__}, got {type(descriptor).__name__}")
        if self._state_store is None:
            raise JobDefinitionError("Keyed state can only be used on a KeyedStream (call key_by first)")
        return self._state_store

    def get_state(self, state_descriptor):
        store = self._store(state_descriptor, ValueStateDescriptor)
        return store.value_state(state_descriptor.name, _spec(state_descriptor.type_info), _ttl_ms(state_descriptor))

    def get_list_state(self, state_descriptor):
        store = self._store(state_descriptor, ListStateDescriptor)
        return store.list_state(state_descriptor.name, _spec(state_descriptor.type_info), _ttl_ms(state_descriptor))

    def get_map_state(self, state_descriptor):
        store = self._store(state_descriptor, MapStateDescriptor)
        return store.map_state(state_descriptor.name, _spec(state_descriptor.key_type_info),
                               _spec(state_descriptor.value_type_info), _ttl_ms(state_descriptor))

    def get_reducing_state(self, state_descriptor):
        store = self._store(state_descriptor, ReducingStateDescriptor)
        return store.reducing_state(state_descriptor.name, _spec(state_descriptor.type_info),
                                    state_descriptor.reduce_function, _ttl_ms(state_descriptor))

    def get_aggregating_state(self, state_descriptor):
        store = self._store(state_descriptor, AggregatingStateDescriptor)
        return store.aggregating_state(state_descriptor.name, _spec(state_descriptor.type_info),
                                       state_descriptor.agg_function, _ttl_ms(state_descriptor))

def open_function(udf, task_name, state_store):
    if isinstance(udf, Function):
        udf.open(SluiceRuntimeContext(task_name, state_store))

def close_function(udf):
    if isinstance(udf, Function):
        udf.close()

class _NonKeyedTimerService(object):
    """Timer service of non-keyed process functions: time queries only, as in Flink."""

    def __init__(self, watermark_source):
        self._watermark_source = watermark_source

    def current_processing_time(self):
        import time
        return int(time.time() * 1000)

    def current_watermark(self):
        return self._watermark_source()

    def register_event_time_timer(self, timestamp):
        raise JobDefinitionError("Setting timers is only supported on a keyed streams.")

    register_processing_time_timer = register_event_time_timer
    delete_event_time_timer = register_event_time_timer
    delete_processing_time_timer = register_event_time_timer

class ProcessContext(object):
    """`ctx` of process_element / on_timer. The runtime sets key, timestamp and time domain before
    each call. (Side outputs are yielded as `(OutputTag, value)`, as in PyFlink.)"""

    def __init__(self, timer_service=None):
        self._key = None
        self._timestamp = None
        self._time_domain = None
        self._watermark = -9223372036854775808
        self._timer_service = timer_service or _NonKeyedTimerService(lambda: self._watermark)

    def get_current_key(self):
        return self._key

    def timestamp(self):
        return self._timestamp

    def timer_service(self):
        return self._timer_service

    def time_domain(self):
        return self._time_domain

class WindowContext(object):
    """`context` of ProcessWindowFunction.process: the window being emitted and the operator's time."""

    def __init__(self):
        self._window = None
        self._watermark = -9223372036854775808

    def window(self):
        return self._window

    def current_processing_time(self):
        import time
        return int(time.time() * 1000)

    def current_watermark(self):
        return self._watermark

    def window_state(self):
        raise Unsupported("per-window state in ProcessWindowFunction")

    def global_state(self):
        raise Unsupported("global state in ProcessWindowFunction")

    def output(self, output_tag, value):
        raise Unsupported("side outputs from ProcessWindowFunction")


class FunctionContext(object):
    """`function_context` of a Table UDF's open(): metrics and job parameters."""

    def __init__(self, name):
        self._name = name

    def get_metric_group(self):
        from _sluice.metrics import MetricGroup
        return MetricGroup([self._name])

    def get_job_parameter(self, key, default_value):
        return default_value


def _table_function_object(callable_):
    """The ScalarFunction behind a UDF's callable (its bound `eval`), if it is one."""
    from pyflink.table.udf import UserDefinedFunction
    if isinstance(callable_, UserDefinedFunction):
        return callable_
    owner = getattr(callable_, "__self__", None)
    return owner if isinstance(owner, UserDefinedFunction) else None


def open_table_function(callable_):
    function = _table_function_object(callable_)
    if function is not None:
        function.open(FunctionContext(type(function).__name__))


def close_table_function(callable_):
    function = _table_function_object(callable_)
    if function is not None:
        function.close()
