"""pyflink.table.window: group windows of the Table API (`Tumble.over(lit(10).seconds).on(col("ts"))
.alias("w")`, `Slide`, `Session.with_gap(...)`), used with `Table.window(w).group_by(col("w"), ...).select(col("w").start, ...)`."""
from _sluice import sites
from _sluice.errors import JobDefinitionError, unsupported_module_getattr

__getattr__ = unsupported_module_getattr("pyflink.table.window")


def _sql(value):
    from pyflink.table.expressions import Expression
    if isinstance(value, Expression):
        return value._sql
    if isinstance(value, str):
        return value
    raise JobDefinitionError(f"a window takes expressions, got {type(value).__name__}", sites.user_site(3))


class GroupWindow(object):
    """A group window: its kind, size, (for sliding windows) slide, time attribute and alias (each as
    SQL text)."""

    def __init__(self, kind, size, time_field=None, alias=None, slide=None):
        self._kind = kind
        self._size = size
        self._time_field = time_field
        self._alias = alias
        self._slide = slide


class Tumble(object):
    """Tumbling windows: `Tumble.over(size).on(time_field).alias(name)`."""

    @classmethod
    def over(cls, size):
        return TumbleWithSize(_sql(size))


class TumbleWithSize(object):
    def __init__(self, size):
        self._size = size

    def on(self, time_field):
        return TumbleWithSizeOnTime(self._size, _sql(time_field))


class TumbleWithSizeOnTime(object):
    def __init__(self, size, time_field):
        self._size = size
        self._time_field = time_field

    def alias(self, alias):
        return GroupWindow("tumble", self._size, self._time_field, _sql(alias).strip("`"))


class Slide(object):
    """Sliding windows: `Slide.over(size).every(slide).on(time_field).alias(name)`."""

    @classmethod
    def over(cls, size):
        return SlideWithSize(_sql(size))


class SlideWithSize(object):
    def __init__(self, size):
        self._size = size

    def every(self, slide):
        return SlideWithSizeAndSlide(self._size, _sql(slide))


class SlideWithSizeAndSlide(object):
    def __init__(self, size, slide):
        self._size = size
        self._slide = slide

    def on(self, time_field):
        return SlideWithSizeAndSlideOnTime(self._size, self._slide, _sql(time_field))


class SlideWithSizeAndSlideOnTime(object):
    def __init__(self, size, slide, time_field):
        self._size = size
        self._slide = slide
        self._time_field = time_field

    def alias(self, alias):
        return GroupWindow("slide", self._size, self._time_field, _sql(alias).strip("`"), self._slide)


class Session(object):
    """Session windows: `Session.with_gap(gap).on(time_field).alias(name)`."""

    @classmethod
    def with_gap(cls, gap):
        return SessionWithGap(_sql(gap))


class SessionWithGap(object):
    def __init__(self, gap):
        self._gap = gap

    def on(self, time_field):
        return SessionWithGapOnTime(self._gap, _sql(time_field))


class SessionWithGapOnTime(object):
    def __init__(self, gap, time_field):
        self._gap = gap
        self._time_field = time_field

    def alias(self, alias):
        return GroupWindow("session", self._gap, self._time_field, _sql(alias).strip("`"))


__all__ = ["GroupWindow", "Session", "Slide", "Tumble"]


class Over(object):
    """Over windows: `Over.partition_by(k).order_by(rowtime).preceding(bound).alias("w")`, used with
    `Table.over_window(w).select(col("a").sum.over(col("w")))`. The window is kept as the text of a SQL
    window spec (`PARTITION BY ... ORDER BY ... ROWS BETWEEN ... PRECEDING AND CURRENT ROW`)."""

    @classmethod
    def partition_by(cls, *partition_by):
        return OverWindowPartitioned([_sql(p) for p in partition_by])

    @classmethod
    def order_by(cls, order_by):
        return OverWindowPartitioned([]).order_by(order_by)


class OverWindowPartitioned(object):
    def __init__(self, partition_by):
        self._partition_by = partition_by

    def order_by(self, order_by):
        return OverWindowPartitionedOrdered(self._partition_by, _sql(order_by))


class OverWindowPartitionedOrdered(object):
    def __init__(self, partition_by, order_by, preceding=None, following=None):
        self._partition_by = partition_by
        self._order_by = order_by
        self._preceding = preceding
        self._following = following

    def preceding(self, preceding):
        return OverWindowPartitionedOrdered(self._partition_by, self._order_by, preceding, self._following)

    def following(self, following):
        return OverWindowPartitionedOrdered(self._partition_by, self._order_by, self._preceding, following)

    def alias(self, alias):
        site = sites.user_site(2)
        p = self._preceding
        rows = p is not None and (getattr(p, "_row_interval", None) is not None or _sql(p) == "UNBOUNDED_ROW")
        if p is None or _sql(p) == "UNBOUNDED_RANGE":
            start = "UNBOUNDED PRECEDING"
        elif _sql(p) == "UNBOUNDED_ROW":
            start = "UNBOUNDED PRECEDING"
        elif getattr(p, "_row_interval", None) is not None:
            start = f"{p._row_interval} PRECEDING"
        else:
            start = f"{_sql(p)} PRECEDING"
        f = self._following
        if f is not None and _sql(f) not in ("CURRENT_ROW", "CURRENT_RANGE"):
            from _sluice.errors import Unsupported
            raise Unsupported("an over window following() other than CURRENT_ROW / CURRENT_RANGE is not "
                              "supported by sluice yet", site)
        spec = ""
        if self._partition_by:
            spec += "PARTITION BY " + ", ".join(self._partition_by) + " "
        spec += f"ORDER BY {self._order_by} {'ROWS' if rows else 'RANGE'} BETWEEN {start} AND CURRENT ROW"
        return OverWindow(spec, _sql(alias).strip("`"))


class OverWindow(object):
    def __init__(self, spec, alias):
        self._spec = spec
        self._alias = alias
