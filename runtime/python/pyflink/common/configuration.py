"""Configuration: Flink's string-keyed options, kept as strings as Flink does."""


class Configuration(object):
    def __init__(self, other=None):
        self._data = dict(other._data) if other is not None else {}

    def set_string(self, key, value):
        self._data[key] = str(value)
        return self

    def get_string(self, key, default_value=None):
        return self._data.get(key, default_value)

    def set_integer(self, key, value):
        return self.set_string(key, value)

    def get_integer(self, key, default_value=None):
        value = self._data.get(key)
        return int(value) if value is not None else default_value

    def set_boolean(self, key, value):
        return self.set_string(key, "true" if value else "false")

    def get_boolean(self, key, default_value=None):
        value = self._data.get(key)
        return value.lower() == "true" if value is not None else default_value

    def set(self, key, value):
        return self.set_string(key, value)

    def contains_key(self, key):
        return key in self._data

    def to_dict(self):
        return dict(self._data)

    def key_set(self):
        return set(self._data)
