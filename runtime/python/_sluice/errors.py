"""Errors the shim raises at the user's call site.

`Unsupported` is a construct PyFlink has and sluice does not (yet); `JobDefinitionError` is a mistake
PyFlink itself would reject (a wrong argument type, a missing output type where one is needed). Both
carry the call site so the compiler renders `job.py:LINE:COL: reason`.
"""
from _sluice import sites


class SluiceError(Exception):
    category = "user"

    def __init__(self, message, site=None):
        super().__init__(message)
        self.message = message
        self.site = site if site is not None else sites.user_site(2)


class Unsupported(SluiceError):
    category = "unsupported"


class JobDefinitionError(SluiceError):
    category = "user"


class JobShapeChanged(SluiceError):
    """Raised inside a binary when this run's arguments build a different job than the one compiled."""
    category = "user"


def unsupported(what, hint=None):
    message = f"{what} is not supported by sluice yet"
    if hint:
        message += f" ({hint})"
    return Unsupported(message, sites.user_site(3))


class UnsupportedApi:
    """Stands in for a PyFlink name the shim lacks: importing it works, using it is a clear error.

    Real jobs import more than they use; failing at the import would reject jobs that would compile.
    """

    def __init__(self, qualname):
        object.__setattr__(self, "_qualname", qualname)

    def __call__(self, *args, **kwargs):
        raise Unsupported(f"{self._qualname} is not supported by sluice yet", sites.user_site(2))

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return UnsupportedApi(f"{self._qualname}.{name}")

    def __mro_entries__(self, bases):
        raise Unsupported(f"subclassing {self._qualname} is not supported by sluice yet", sites.user_site(2))

    def __repr__(self):
        return f"<unsupported {self._qualname}>"


def unsupported_module_getattr(module_name):
    """A module-level `__getattr__` that hands out `UnsupportedApi` placeholders."""
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        return UnsupportedApi(f"{module_name}.{name}")
    return __getattr__


class UnsupportedMethods:
    """Mixin: any public method PyFlink has on this class but the shim lacks is an `Unsupported` error."""

    _pyflink_name = None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        cls = self._pyflink_name or type(self).__name__

        def missing(*args, **kwargs):
            raise Unsupported(f"{cls}.{name}() is not supported by sluice yet", sites.user_site(2))
        return missing


class JobFailed(Exception):
    """Raised by the native runtime when a running job fails; the message says where and why."""
