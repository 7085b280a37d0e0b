"""pyflink.table.expression: the Expression class and the units of temporal expressions."""
from enum import Enum

from pyflink.table.expressions import Expression
from _sluice.errors import unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.table.expression")


class TimeIntervalUnit(Enum):
    """Units for EXTRACT (`col("ts").extract(TimeIntervalUnit.YEAR)`)."""
    YEAR = 0
    YEAR_TO_MONTH = 1
    QUARTER = 2
    MONTH = 3
    WEEK = 4
    DAY = 5
    DAY_TO_HOUR = 6
    DAY_TO_MINUTE = 7
    DAY_TO_SECOND = 8
    HOUR = 9
    SECOND = 10
    HOUR_TO_MINUTE = 11
    HOUR_TO_SECOND = 12
    MINUTE = 13
    MINUTE_TO_SECOND = 14


class TimePointUnit(Enum):
    """Units of TIMESTAMPDIFF (`timestamp_diff(TimePointUnit.DAY, t1, t2)`)."""
    YEAR = 0,
    MONTH = 1,
    DAY = 2,
    HOUR = 3,
    MINUTE = 4,
    SECOND = 5,
    QUARTER = 6,
    WEEK = 7,
    MILLISECOND = 8,
    MICROSECOND = 9


__all__ = ["Expression", "TimeIntervalUnit", "TimePointUnit"]
