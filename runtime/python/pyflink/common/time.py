"""Duration, Time and Instant, kept in milliseconds as sluice's runtime uses them."""


class Duration(object):
    def __init__(self, millis):
        self._millis = int(millis)

    def to_milliseconds(self):
        return self._millis

    @staticmethod
    def of_millis(millis):
        return Duration(millis)

    @staticmethod
    def of_seconds(seconds):
        return Duration(seconds * 1000)

    @staticmethod
    def of_minutes(minutes):
        return Duration(minutes * 60_000)

    @staticmethod
    def of_hours(hours):
        return Duration(hours * 3_600_000)

    @staticmethod
    def of_days(days):
        return Duration(days * 86_400_000)

    @staticmethod
    def of_nanos(nanos):
        return Duration(nanos // 1_000_000)

    def __eq__(self, other):
        return isinstance(other, Duration) and other._millis == self._millis

    def __hash__(self):
        return hash(self._millis)


class Time(object):
    def __init__(self, millis):
        self._millis = int(millis)

    def to_milliseconds(self):
        return self._millis

    @staticmethod
    def milliseconds(millis):
        return Time(millis)

    @staticmethod
    def seconds(seconds):
        return Time(seconds * 1000)

    @staticmethod
    def minutes(minutes):
        return Time(minutes * 60_000)

    @staticmethod
    def hours(hours):
        return Time(hours * 3_600_000)

    @staticmethod
    def days(days):
        return Time(days * 86_400_000)


class Instant(object):
    def __init__(self, seconds, nanos):
        self.seconds = seconds
        self.nanos = nanos

    def to_epoch_milli(self):
        return self.seconds * 1000 + self.nanos // 1_000_000

    @staticmethod
    def of_epoch_milli(epoch_milli):
        return Instant(epoch_milli // 1000, (epoch_milli % 1000) * 1_000_000)

    def __eq__(self, other):
        return isinstance(other, Instant) and (self.seconds, self.nanos) == (other.seconds, other.nanos)

    def __repr__(self):
        return f"Instant<{self.seconds}, {self.nanos}>"
