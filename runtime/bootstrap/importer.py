"""Installed first in every sluice binary: serves embedded modules (the shim, the job's sibling modules).

`modules` maps a dotted name to (filename, source, is_package, bytecode or None). Embedded modules come
before the Python environment's own, so an installed PyFlink never shadows the shim. Bytecode, compiled
at build time by the same interpreter, saves compiling the shim at every start.
"""
import importlib.abc
import importlib.util
import linecache
import marshal
import sys


class EmbeddedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, modules):
        self._modules = modules

    def find_spec(self, fullname, path=None, target=None):
        entry = self._modules.get(fullname)
        if entry is None:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=entry[0], is_package=entry[2])

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        filename, source, is_package, bytecode = self._modules[module.__name__]
        module.__file__ = filename
        if is_package:
            module.__path__ = []
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        code = marshal.loads(bytecode) if bytecode is not None else compile(source, filename, "exec")
        exec(code, module.__dict__)

    def get_source(self, fullname):
        entry = self._modules.get(fullname)
        return entry[1] if entry else None


def install(modules):
    sys.meta_path.insert(0, EmbeddedModules(modules))
