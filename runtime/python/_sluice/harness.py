"""What the native runtime calls into Python for, besides user functions themselves.

Opening and closing user functions with a RuntimeContext, building rows, and the contexts handed to
process functions. Kept small: the hot path calls user functions directly from Rust.
"""
import json

from pyflink.common.types import Row, RowKind
from pyflink.datastream.functions import Function, RuntimeContext
from pyflink.datastream.state import StateDescriptor, ValueStateDescriptor
from _sluice.errors import JobDefinitionError, Unsupported

_ROW_KINDS = (RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE)


def make_row(values, names, kind):
    row = Row.__new__(Row)
    d = row.__dict__
    d["_values"] = values
    d["_fields"] = names
    d["_row_kind"] = _ROW_KINDS[kind]
    return row


def row_parts(row):
    """(values, names, kind index) of a Row."""
    return row._values, row._fields, row._row_kind.value


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
        raise Unsupported("metrics are not supported by sluice yet")

    def get_state(self, state_descriptor):
        if not isinstance(state_descriptor, StateDescriptor):
            raise JobDefinitionError("get_state() takes a ValueStateDescriptor")
        if self._state_store is None:
            raise JobDefinitionError("Keyed state can only be used on a KeyedStream (call key_by first)")
        if type(state_descriptor) is not ValueStateDescriptor:
            raise Unsupported(f"{type(state_descriptor).__name__} via get_state()")
        spec = state_descriptor.type_info.spec() if state_descriptor.type_info is not None else {"type": "PICKLED"}
        return self._state_store.value_state(state_descriptor.name, json.dumps(spec))

    def _unsupported_state(self, kind):
        raise Unsupported(f"{kind} is not supported by sluice yet")

    def get_list_state(self, state_descriptor):
        self._unsupported_state("ListState")

    def get_map_state(self, state_descriptor):
        self._unsupported_state("MapState")

    def get_reducing_state(self, state_descriptor):
        self._unsupported_state("ReducingState")

    def get_aggregating_state(self, state_descriptor):
        self._unsupported_state("AggregatingState")


def open_function(udf, task_name, state_store):
    if isinstance(udf, Function):
        udf.open(SluiceRuntimeContext(task_name, state_store))


def close_function(udf):
    if isinstance(udf, Function):
        udf.close()


class ProcessContext(object):
    """The `ctx` of process_element; the runtime sets the key and timestamp before each call."""
    __slots__ = ("_key", "_timestamp")

    def __init__(self):
        self._key = None
        self._timestamp = None

    def get_current_key(self):
        return self._key

    def timestamp(self):
        return self._timestamp

    def timer_service(self):
        raise Unsupported("timers are not supported by sluice yet")

    def output(self, output_tag, value):
        raise Unsupported("side outputs are not supported by sluice yet")
