"""pyflink.metrics: the metric interfaces user functions see."""
from _sluice.metrics import Counter, Distribution, Meter, MetricGroup

__all__ = ["Counter", "Distribution", "Meter", "MetricGroup"]
