"""pyflink.datastream: the DataStream API."""
from pyflink.datastream.data_stream import DataStream, DataStreamSink, KeyedStream
from pyflink.datastream.functions import (AggregateFunction, CoFlatMapFunction, CoMapFunction, FilterFunction,
                                          FlatMapFunction, KeyedProcessFunction, KeySelector, MapFunction,
                                          ProcessFunction, ReduceFunction, RuntimeContext, TimerService)
from pyflink.datastream.stream_execution_environment import (ExecutionConfig, RuntimeExecutionMode,
                                                              StreamExecutionEnvironment)
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.datastream")


class TimeCharacteristic(object):
    ProcessingTime = "ProcessingTime"
    IngestionTime = "IngestionTime"
    EventTime = "EventTime"


__all__ = ["DataStream", "DataStreamSink", "KeyedStream", "AggregateFunction", "CoFlatMapFunction",
           "CoMapFunction", "FilterFunction", "FlatMapFunction", "KeyedProcessFunction", "KeySelector",
           "MapFunction", "ProcessFunction", "ReduceFunction", "RuntimeContext", "TimerService",
           "ExecutionConfig", "RuntimeExecutionMode", "StreamExecutionEnvironment", "TimeCharacteristic"]
