"""DataStream and KeyedStream: each transformation adds a node to the environment's job graph."""
from pyflink.common.typeinfo import PickledBytesTypeInfo, TypeInformation
from pyflink.datastream.functions import (FilterFunction, FlatMapFunction, KeyedProcessFunction, KeySelector,
                                          MapFunction, ProcessFunction, ReduceFunction)
from _sluice import sites
from _sluice.errors import JobDefinitionError, Unsupported, UnsupportedMethods


def _function(func, base, method, api):
    """(udf object, method name) for a function given as a Function subclass instance or a callable."""
    if isinstance(func, base):
        return func, method
    if callable(func) and not isinstance(func, type):
        return func, None
    raise JobDefinitionError(f"{api}() takes a {base.__name__} or a callable, got {type(func).__name__}",
                             sites.user_site(3))


def _output_type(output_type, api):
    if output_type is None:
        return PickledBytesTypeInfo()
    if not isinstance(output_type, TypeInformation):
        raise JobDefinitionError(f"{api}() output_type must be a TypeInformation such as Types.LONG(), "
                                 f"got {type(output_type).__name__}", sites.user_site(3))
    return output_type


class DataStream(UnsupportedMethods):
    _pyflink_name = "DataStream"

    def __init__(self, env, node):
        self._env = env
        self._node = node

    def _add(self, op, output_type, udf=None, method=None, params=None, values=None):
        node = self._env._graph.add(op, [self._node], output_type, params, values, udf, method,
                                    sites.user_site(3))
        return DataStream(self._env, node)

    def get_type(self):
        return self._node.output_type

    def name(self, name):
        self._node.params["name"] = name
        return self

    def uid(self, uid):
        self._node.params["uid"] = uid
        return self

    def set_uid_hash(self, uid_hash):
        return self

    def set_description(self, description):
        return self

    def set_parallelism(self, parallelism):
        if parallelism != 1:
            raise Unsupported("operator parallelism other than 1 is not supported by sluice yet",
                              sites.user_site(2))
        return self

    def set_max_parallelism(self, max_parallelism):
        return self

    def slot_sharing_group(self, slot_sharing_group):
        return self

    def disable_chaining(self):
        return self

    def start_new_chain(self):
        return self

    def force_non_parallel(self):
        return self

    def map(self, func, output_type=None):
        udf, method = _function(func, MapFunction, "map", "map")
        return self._add("map", _output_type(output_type, "map"), udf, method, self._keyed_params())

    def flat_map(self, func, output_type=None):
        udf, method = _function(func, FlatMapFunction, "flat_map", "flat_map")
        return self._add("flat_map", _output_type(output_type, "flat_map"), udf, method, self._keyed_params())

    def filter(self, func):
        udf, method = _function(func, FilterFunction, "filter", "filter")
        return self._add("filter", self._node.output_type, udf, method, self._keyed_params())

    def process(self, func, output_type=None):
        udf, method = _function(func, ProcessFunction, "process_element", "process")
        if method is None:
            raise JobDefinitionError("process() takes a ProcessFunction", sites.user_site(2))
        return self._add("process", _output_type(output_type, "process"), udf, method, self._keyed_params())

    def key_by(self, key_selector, key_type=None):
        udf, method = _function(key_selector, KeySelector, "get_key", "key_by")
        if key_type is not None and not isinstance(key_type, TypeInformation):
            raise JobDefinitionError("key_by() key_type must be a TypeInformation", sites.user_site(2))
        params = {"key_type": key_type.spec() if key_type is not None else None}
        node = self._env._graph.add("key_by", [self._node], self._node.output_type, params, None, udf, method,
                                    sites.user_site(2))
        return KeyedStream(self._env, node)

    def print(self, sink_identifier=None):
        if sink_identifier is not None and not isinstance(sink_identifier, str):
            raise JobDefinitionError("print() sink_identifier must be a string", sites.user_site(2))
        node = self._env._graph.add("sink.print", [self._node], None, {"identifier": sink_identifier}, None,
                                    None, None, sites.user_site(2))
        return DataStreamSink(node)

    def _keyed_params(self):
        return {"keyed": False}


class KeyedStream(DataStream):
    _pyflink_name = "KeyedStream"

    def _keyed_params(self):
        return {"keyed": True}

    def reduce(self, func):
        udf, method = _function(func, ReduceFunction, "reduce", "reduce")
        return self._add("reduce", self._node.output_type, udf, method, self._keyed_params())

    def process(self, func, output_type=None):
        udf, method = _function(func, KeyedProcessFunction, "process_element", "process")
        if method is None:
            raise JobDefinitionError("KeyedStream.process() takes a KeyedProcessFunction", sites.user_site(2))
        return self._add("process", _output_type(output_type, "process"), udf, method, self._keyed_params())

    def set_parallelism(self, parallelism):
        raise JobDefinitionError("Set parallelism for KeyedStream is not supported.", sites.user_site(2))

    def name(self, name):
        raise JobDefinitionError("Set name for KeyedStream is not supported.", sites.user_site(2))

    def uid(self, uid):
        raise JobDefinitionError("Set uid for KeyedStream is not supported.", sites.user_site(2))


class DataStreamSink(UnsupportedMethods):
    _pyflink_name = "DataStreamSink"

    def __init__(self, node):
        self._node = node

    def name(self, name):
        self._node.params["name"] = name
        return self

    def uid(self, uid):
        self._node.params["uid"] = uid
        return self

    def set_uid_hash(self, uid_hash):
        return self

    def set_description(self, description):
        return self

    def set_parallelism(self, parallelism):
        if parallelism != 1:
            raise Unsupported("sink parallelism other than 1 is not supported by sluice yet",
                              sites.user_site(2))
        return self

    def disable_chaining(self):
        return self

    def slot_sharing_group(self, slot_sharing_group):
        return self
