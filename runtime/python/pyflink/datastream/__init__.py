"""pyflink.datastream: the DataStream API."""
from pyflink.datastream.data_stream import ConnectedStreams, DataStream, DataStreamSink, KeyedStream, WindowedStream
from pyflink.datastream.functions import (AggregateFunction, CoFlatMapFunction, CoMapFunction, CoProcessFunction,
                                          FilterFunction, FlatMapFunction, KeyedCoProcessFunction,
                                          KeyedProcessFunction, KeySelector, MapFunction, OutputTag,
                                          ProcessFunction, ProcessWindowFunction, ReduceFunction, RuntimeContext,
                                          TimeDomain, TimerService, WindowFunction)
from pyflink.datastream.window import (CountWindow, GlobalWindow, MergingWindowAssigner, TimeWindow, Trigger,
                                       Window, WindowAssigner)
from pyflink.datastream.stream_execution_environment import (ExecutionConfig, RuntimeExecutionMode,
                                                              StreamExecutionEnvironment)
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.datastream")


class TimeCharacteristic(object):  # removed in Flink 2; kept so old jobs import
    ProcessingTime = "ProcessingTime"
    IngestionTime = "IngestionTime"
    EventTime = "EventTime"


__all__ = ["DataStream", "DataStreamSink", "KeyedStream", "ConnectedStreams", "WindowedStream", "AggregateFunction",
           "CoFlatMapFunction", "CoMapFunction", "CoProcessFunction", "FilterFunction", "FlatMapFunction",
           "KeyedCoProcessFunction", "KeyedProcessFunction", "KeySelector", "MapFunction", "OutputTag",
           "ProcessFunction", "ProcessWindowFunction", "ReduceFunction", "RuntimeContext", "TimeDomain",
           "TimerService", "WindowFunction", "CountWindow", "GlobalWindow", "MergingWindowAssigner", "TimeWindow",
           "Trigger", "Window", "WindowAssigner",
           "ExecutionConfig", "RuntimeExecutionMode", "StreamExecutionEnvironment", "TimeCharacteristic"]
