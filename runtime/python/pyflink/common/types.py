"""Row and RowKind with PyFlink's semantics (positional and named fields, row kinds, repr, equality)."""
from enum import Enum


class RowKind(Enum):
    INSERT = 0
    UPDATE_BEFORE = 1
    UPDATE_AFTER = 2
    DELETE = 3

    def __str__(self):
        return ("+I", "-U", "+U", "-D")[self.value]


def _create_row(fields, values, row_kind=None):
    row = Row(*values)
    if fields is not None:
        row._fields = list(fields)
    if row_kind is not None:
        row._row_kind = row_kind
    return row


class Row(object):
    """A row: `Row(1, 'a')`, `Row(id=1, name='a')`, or a template `Row('id', 'name')(1, 'a')`."""

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError("Can not use both args and kwargs to create Row")
        if kwargs:
            self._fields = list(kwargs.keys())
            self._values = [kwargs[n] for n in self._fields]
            self._from_dict = True
        else:
            self._fields = None
            self._values = list(args)
        self._row_kind = RowKind.INSERT

    def as_dict(self, recursive=False):
        if not hasattr(self, "_fields") or self._fields is None:
            raise TypeError("Cannot convert a Row class into dict")
        if recursive:
            def conv(obj):
                if isinstance(obj, Row):
                    return obj.as_dict(True)
                if isinstance(obj, list):
                    return [conv(o) for o in obj]
                if isinstance(obj, dict):
                    return dict((k, conv(v)) for k, v in obj.items())
                return obj
            return dict(zip(self._fields, (conv(o) for o in self)))
        return dict(zip(self._fields, self))

    def get_row_kind(self):
        return self._row_kind

    def set_row_kind(self, row_kind):
        self._row_kind = row_kind

    def set_field_names(self, field_names):
        self._fields = list(field_names)

    def get_fields_by_names(self, names):
        if self._fields is None or names == self._fields:
            return self._values
        missing = set(names) - set(self._fields)
        if missing:
            raise ValueError(f"Fields {missing} do not exist in {self._fields}")
        return [self._values[self._fields.index(name)] for name in names]

    def _is_retract_msg(self):
        return self._row_kind in (RowKind.UPDATE_BEFORE, RowKind.DELETE)

    def _is_accumulate_msg(self):
        return self._row_kind in (RowKind.UPDATE_AFTER, RowKind.INSERT)

    @staticmethod
    def of_kind(row_kind, *args, **kwargs):
        row = Row(*args, **kwargs)
        row.set_row_kind(row_kind)
        return row

    def __contains__(self, item):
        if self._fields is not None:
            return item in self._fields
        return item in self._values

    def __call__(self, *args):
        # A Row of field names used as a template creates rows with those names.
        if len(args) > len(self):
            raise ValueError(f"Can not create Row with fields {self}, expected {len(self)} values "
                             f"but got {args}")
        return _create_row(self._values, args, self._row_kind)

    def __getitem__(self, item):
        if isinstance(item, (int, slice)):
            return self._values[item]
        try:
            idx = self._fields.index(item)
            return self._values[idx]
        except IndexError:
            raise KeyError(item)
        except (ValueError, AttributeError):
            raise ValueError(item)

    def __setitem__(self, key, value):
        if isinstance(key, int):
            self._values[key] = value
            return
        try:
            idx = self._fields.index(key)
            self._values[idx] = value
        except (IndexError, AttributeError):
            raise KeyError(key)
        except ValueError:
            raise ValueError(key)

    def __getattr__(self, item):
        if item.startswith("_"):
            raise AttributeError(item)
        try:
            idx = self._fields.index(item)
            return self[idx]
        except (IndexError, ValueError, AttributeError):
            raise AttributeError(item)

    def __setattr__(self, key, value):
        if key not in ("_fields", "_from_dict", "_row_kind", "_values"):
            raise RuntimeError("Row is read-only")
        self.__dict__[key] = value

    def __reduce__(self):
        return _create_row, (self._fields, tuple(self), self._row_kind)

    def __repr__(self):
        if self._fields is not None:
            return "Row(%s)" % ", ".join("%s=%r" % (k, v) for k, v in zip(self._fields, tuple(self)))
        return "<Row(%s)>" % ", ".join(repr(field) for field in self)

    def __eq__(self, other):
        if not isinstance(other, Row):
            return False
        if self._fields is not None and other._fields is not None:
            if sorted(self._fields) != sorted(other._fields):
                return False
            names = sorted(self._fields)
            return (self._row_kind == other._row_kind and
                    [self[n] for n in names] == [other[n] for n in names])
        return self._row_kind == other._row_kind and self._values == other._values

    def __hash__(self):
        return tuple(self).__hash__()

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)
