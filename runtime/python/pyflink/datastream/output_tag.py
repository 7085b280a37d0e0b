"""OutputTag: names a side output and its type. A function yields `(tag, value)` to emit to it."""


class OutputTag(object):
    def __init__(self, tag_id, type_info=None):
        if not isinstance(tag_id, str) or not tag_id:
            raise ValueError("OutputTag tag_id cannot be empty string")
        self.tag_id = tag_id
        self.type_info = type_info

    def __eq__(self, other):
        return isinstance(other, OutputTag) and other.tag_id == self.tag_id

    def __hash__(self):
        return hash(self.tag_id)

    def __repr__(self):
        return f"OutputTag({self.tag_id!r})"
