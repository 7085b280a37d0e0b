"""The job graph the DataStream API calls build, and its two fates.

Every shim API call that creates a stream adds a `Node`. On `env.execute()` the nodes that reach a sink
become one job: in record mode (compile time) it is described as JSON for the compiler; in run mode
(inside a sluice binary) it is handed to the native runtime together with the Python objects it needs
(UDFs, collection elements, source bounds).

A job's *shape* is everything code generation depends on (operators, wiring, types, parameters, which
kind of UDF); its *values* are what may change from run to run (elements, numbers, paths, the UDF
objects). The binary compares the shape hash of the job the script builds at run time with the one it
was compiled from, so arguments may change values freely but never silently change the job.
"""
import hashlib
import json
import os
import types as _pytypes

from _sluice import session, sites
from _sluice.errors import JobDefinitionError


class Node:
    __slots__ = ("id", "op", "inputs", "output_type", "params", "values", "udf", "udf_method", "site")

    def __init__(self, nid, op, inputs, output_type, params, values, udf, udf_method, site):
        self.id = nid
        self.op = op
        self.inputs = inputs
        self.output_type = output_type
        self.params = params
        self.values = values
        self.udf = udf
        self.udf_method = udf_method
        self.site = site


class JobGraph:
    """The nodes added since the last `execute()` of one environment."""

    def __init__(self):
        self.nodes = []
        # Nodes of earlier jobs used again (a stream defined before an execute() and read after it),
        # by id() of the old node: their copies in this graph.
        self._carried = {}

    def add(self, op, inputs=(), output_type=None, params=None, values=None, udf=None, udf_method=None,
            site=None):
        inputs = [self._current(n) for n in inputs]
        node = Node(len(self.nodes), op, [n.id for n in inputs], output_type, dict(params or {}),
                    dict(values or {}), udf, udf_method, site or sites.user_site(3))
        self.nodes.append(node)
        return node

    def _current(self, node):
        """`node` if it is in this graph, else its copy here (made once, with its inputs), as Flink
        walks a stream's transformations again for a later job."""
        if node.id < len(self.nodes) and self.nodes[node.id] is node:
            return node
        carried = self._carried.get(id(node))
        if carried is not None:
            return carried[1]
        # An earlier graph's node: its inputs are nodes of that graph, found through `_origin`.
        origin = getattr(self, "_origin", {}).get(id(node))
        inputs = [self._current(n) for n in origin[1]] if origin is not None else []
        copy = Node(len(self.nodes), node.op, [n.id for n in inputs], node.output_type, dict(node.params),
                    dict(node.values), node.udf, node.udf_method, node.site)
        self.nodes.append(copy)
        self._carried[id(node)] = (node, copy)
        return copy

    def clear(self):
        # Remember each node's input nodes (keeping the node, so its id() stays its own): a later
        # job may read these nodes again.
        origin = getattr(self, "_origin", {})
        for n in self.nodes:
            origin[id(n)] = (n, [self.nodes[i] for i in n.inputs])
        self._origin = origin
        self.nodes = []
        self._carried = {}

    def reachable_from_sinks(self):
        """Flink runs only transformations that lead to a sink; the rest are dropped."""
        keep = set()
        stack = [n.id for n in self.nodes if n.op.startswith("sink.")]
        while stack:
            nid = stack.pop()
            if nid in keep:
                continue
            keep.add(nid)
            stack.extend(self.nodes[nid].inputs)
        return [n for n in self.nodes if n.id in keep]


def udf_descriptor(udf, method):
    """What the compiler needs to know of a Python function: its kind and where its source is."""
    if udf is None:
        return None
    if isinstance(udf, _pytypes.LambdaType) and udf.__name__ == "<lambda>":
        code = udf.__code__
        return {"kind": "lambda", "name": "<lambda>", "file": code.co_filename, "line": code.co_firstlineno,
                "method": None, "class": None}
    if isinstance(udf, (_pytypes.FunctionType, _pytypes.MethodType)):
        func = udf.__func__ if isinstance(udf, _pytypes.MethodType) else udf
        code = func.__code__
        return {"kind": "function", "name": func.__qualname__, "file": code.co_filename,
                "line": code.co_firstlineno, "method": None, "class": None}
    cls = type(udf)
    bound = getattr(cls, method, None) if method else None
    code = getattr(bound, "__code__", None)
    return {"kind": "object", "name": cls.__qualname__, "class": cls.__qualname__, "method": method,
            "file": code.co_filename if code else None, "line": code.co_firstlineno if code else None}


def _relative(path, base_dir):
    if not path or path.startswith("<") or not base_dir:
        return path
    try:
        return os.path.relpath(path, base_dir)
    except ValueError:
        return path


def describe_job(nodes, config, name, execute_site):
    """JSON-able description of a job; ids are renumbered densely in topological (creation) order."""
    remap = {n.id: i for i, n in enumerate(nodes)}
    base_dir = session.job_dir
    out_nodes = []
    for n in nodes:
        udf = udf_descriptor(n.udf, n.udf_method)
        if udf is not None:
            udf["file"] = _relative(udf["file"], base_dir)
        site = dict(n.site) if n.site else None
        if site:
            site["file"] = _relative(site["file"], base_dir)
        out_nodes.append({
            "id": remap[n.id],
            "op": n.op,
            "inputs": [remap[i] for i in n.inputs],
            "output_type": n.output_type.spec() if n.output_type is not None else None,
            "params": n.params,
            "udf": udf,
            "site": site,
            "preview": {k: _preview(v) for k, v in n.values.items()},
        })
    job = {"name": name, "config": config, "nodes": out_nodes}
    if execute_site:
        site = dict(execute_site)
        site["file"] = _relative(site["file"], base_dir)
        job["execute_site"] = site
    job["shape_hash"] = shape_hash(job)
    return job


def shape_hash(job):
    """Hash of what code generation depends on: no sites, files, lines or values."""
    def strip(node):
        udf = node["udf"]
        return {"id": node["id"], "op": node["op"], "inputs": node["inputs"], "output_type": node["output_type"],
                "params": node["params"],
                "udf": None if udf is None else {"kind": udf["kind"], "class": udf["class"], "method": udf["method"]}}
    canonical = json.dumps({"config": job["config"], "nodes": [strip(n) for n in job["nodes"]]},
                           sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _preview(value, limit=8):
    """A short, JSON-able view of a value for `sluice explain` (never used to run the job)."""
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        items = [repr(v) for v in list(value)[:limit]]
        return {"count": len(value), "first": items}
    return repr(value)


def require_type(value, expected, what):
    if not isinstance(value, expected):
        raise JobDefinitionError(f"{what} must be {_names(expected)}, got {type(value).__name__}",
                                 sites.user_site(3))


def _names(expected):
    if isinstance(expected, tuple):
        return " or ".join(e.__name__ for e in expected)
    return expected.__name__
