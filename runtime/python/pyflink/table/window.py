"""pyflink.table.window: group windows of the Table API (`Tumble.over(lit(10).seconds).on(col("ts"))
.alias("w")`), used with `Table.window(w).group_by(col("w"), ...).select(col("w").start, ...)`."""
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


__all__ = ["GroupWindow", "Slide", "Tumble"]
