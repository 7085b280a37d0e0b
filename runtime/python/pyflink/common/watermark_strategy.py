"""WatermarkStrategy and TimestampAssigner as PyFlink declares them; the runtime applies them."""
from pyflink.common.time import Duration


class TimestampAssigner(object):
    def extract_timestamp(self, value, record_timestamp):
        raise NotImplementedError


class WatermarkStrategy(object):
    def __init__(self, kind, max_out_of_orderness_ms=0):
        self._kind = kind
        self._max_out_of_orderness_ms = max_out_of_orderness_ms
        self._idleness_ms = None
        self._timestamp_assigner = None

    def _copy(self):
        other = WatermarkStrategy(self._kind, self._max_out_of_orderness_ms)
        other._idleness_ms = self._idleness_ms
        other._timestamp_assigner = self._timestamp_assigner
        return other

    def with_timestamp_assigner(self, timestamp_assigner):
        other = self._copy()
        other._timestamp_assigner = timestamp_assigner
        return other

    def with_idleness(self, idle_timeout):
        other = self._copy()
        other._idleness_ms = idle_timeout.to_milliseconds()
        return other

    def spec(self):
        return {"kind": self._kind, "max_out_of_orderness_ms": self._max_out_of_orderness_ms,
                "idleness_ms": self._idleness_ms, "has_timestamp_assigner": self._timestamp_assigner is not None}

    @staticmethod
    def for_monotonous_timestamps():
        return WatermarkStrategy("monotonous")

    @staticmethod
    def for_bounded_out_of_orderness(max_out_of_orderness: Duration):
        return WatermarkStrategy("bounded_out_of_orderness", max_out_of_orderness.to_milliseconds())

    @staticmethod
    def no_watermarks():
        return WatermarkStrategy("none")
