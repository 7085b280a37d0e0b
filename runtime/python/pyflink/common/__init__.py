"""pyflink.common: rows, types, time, watermark strategies and configuration."""
from pyflink.common.config_options import ConfigOption, ConfigOptions
from pyflink.common.configuration import Configuration
from pyflink.common.serialization import Encoder, SimpleStringSchema
from pyflink.common.time import Duration, Instant, Time
from pyflink.common.typeinfo import Types, TypeInformation, RowTypeInfo
from pyflink.common.types import Row, RowKind
from pyflink.common.watermark_strategy import TimestampAssigner, WatermarkStrategy
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.common")

__all__ = ["ConfigOption", "ConfigOptions", "Configuration", "Encoder", "SimpleStringSchema", "Duration", "Instant", "Time", "Types", "TypeInformation", "RowTypeInfo",
           "Row", "RowKind", "TimestampAssigner", "WatermarkStrategy"]
