"""State descriptors and state interfaces, as PyFlink declares them.

The descriptors only describe; inside a sluice binary `RuntimeContext.get_state(...)` returns state
objects backed by the runtime's keyed state store.
"""
from _sluice.errors import unsupported_module_getattr


class StateTtlConfig(object):
    """TTL of keyed state. sluice honours the TTL in processing time (entries expire that long after
    their last write); the update/visibility/cleanup options are accepted."""

    class UpdateType(object):
        Disabled = 0
        OnCreateAndWrite = 1
        OnReadAndWrite = 2

    class StateVisibility(object):
        ReturnExpiredIfNotCleanedUp = 0
        NeverReturnExpired = 1

    class TtlTimeCharacteristic(object):
        ProcessingTime = 0

    def __init__(self, ttl):
        self._ttl = ttl

    def get_ttl(self):
        return self._ttl

    def is_enabled(self):
        return True

    @staticmethod
    def new_builder(ttl):
        return StateTtlConfig.Builder(ttl)

    class Builder(object):
        def __init__(self, ttl):
            self._ttl = ttl

        def _self(self, *args, **kwargs):
            return self

        set_update_type = update_ttl_on_create_and_write = update_ttl_on_read_and_write = _self
        set_state_visibility = return_expired_if_not_cleaned_up = never_return_expired = _self
        set_ttl_time_characteristic = use_processing_time = _self
        cleanup_full_snapshot = cleanup_incrementally = cleanup_in_rocksdb_compact_filter = _self
        disable_cleanup_in_background = _self

        def set_ttl(self, ttl):
            self._ttl = ttl
            return self

        def build(self):
            return StateTtlConfig(self._ttl)


class StateDescriptor(object):
    def __init__(self, name, type_info):
        self.name = name
        self.type_info = type_info
        self._ttl_config = None

    def get_name(self):
        return self.name

    def enable_time_to_live(self, ttl_config):
        self._ttl_config = ttl_config


class ValueStateDescriptor(StateDescriptor):
    def __init__(self, name, value_type_info):
        super().__init__(name, value_type_info)


class ListStateDescriptor(StateDescriptor):
    def __init__(self, name, elem_type_info):
        super().__init__(name, elem_type_info)


class MapStateDescriptor(StateDescriptor):
    def __init__(self, name, key_type_info, value_type_info):
        super().__init__(name, None)
        self.key_type_info = key_type_info
        self.value_type_info = value_type_info


class ReducingStateDescriptor(StateDescriptor):
    def __init__(self, name, reduce_function, type_info):
        super().__init__(name, type_info)
        self.reduce_function = reduce_function


class AggregatingStateDescriptor(StateDescriptor):
    def __init__(self, name, agg_function, state_type_info):
        super().__init__(name, state_type_info)
        self.agg_function = agg_function


class State(object):
    def clear(self):
        raise NotImplementedError


class ValueState(State):
    def value(self):
        raise NotImplementedError

    def update(self, value):
        raise NotImplementedError


__getattr__ = unsupported_module_getattr("pyflink.datastream.state")
