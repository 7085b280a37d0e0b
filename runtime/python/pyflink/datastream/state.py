"""State descriptors and state interfaces, as PyFlink declares them.

The descriptors only describe; inside a sluice binary `RuntimeContext.get_state(...)` returns state
objects backed by the runtime's keyed state store.
"""
from _sluice.errors import unsupported_module_getattr


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
