"""NumberSequenceSource: the numbers from `start` to `end`, both inclusive, as LONG."""
from _sluice.graph import require_type


class NumberSequenceSource(object):
    def __init__(self, start, end):
        require_type(start, int, "NumberSequenceSource start")
        require_type(end, int, "NumberSequenceSource end")
        self._start = start
        self._end = end
