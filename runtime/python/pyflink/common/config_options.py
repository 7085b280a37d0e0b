"""ConfigOptions / ConfigOption: typed option keys, as PyFlink builds them
(`ConfigOptions.key("key.format").string_type().no_default_value()`).

In sluice an option is only its key, its type and default: a TableDescriptor's `option(option, value)`
and `format(descriptor, option)` read the key, and write the value as Java's `option(ConfigOption<T>,
T)` writes it (`true`, `10`).
"""

__all__ = ["ConfigOptions", "ConfigOption"]


class ConfigOption(object):
    def __init__(self, key, type_name, default=None, has_default=False):
        self._key = key
        self._type = type_name
        self._default = default
        self._has_default = has_default

    def key(self):
        return self._key

    def default_value(self):
        return self._default

    def has_default_value(self):
        return self._has_default

    def _string(self, value):
        """The value as Flink's configuration writes it."""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def __str__(self):
        return f"Key: '{self._key}' , default: {self._default}"


class ConfigOptions(object):
    @staticmethod
    def key(key):
        return ConfigOptions.OptionBuilder(key)

    class OptionBuilder(object):
        def __init__(self, key):
            self._key = key

        def boolean_type(self):
            return ConfigOptions.TypedConfigOptionBuilder(self._key, "boolean")

        def int_type(self):
            return ConfigOptions.TypedConfigOptionBuilder(self._key, "int")

        def long_type(self):
            return ConfigOptions.TypedConfigOptionBuilder(self._key, "long")

        def float_type(self):
            return ConfigOptions.TypedConfigOptionBuilder(self._key, "float")

        def double_type(self):
            return ConfigOptions.TypedConfigOptionBuilder(self._key, "double")

        def string_type(self):
            return ConfigOptions.TypedConfigOptionBuilder(self._key, "string")

    class TypedConfigOptionBuilder(object):
        def __init__(self, key, type_name):
            self._key = key
            self._type = type_name

        def default_value(self, value):
            return ConfigOption(self._key, self._type, value, True)

        def no_default_value(self):
            return ConfigOption(self._key, self._type)
