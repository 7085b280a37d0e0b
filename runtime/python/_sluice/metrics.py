"""UDF metrics: PyFlink's MetricGroup API, kept in-process and reported by the runtime.

Counters, gauges, meters and distributions register under their group's scope (`Map.my_group.name`).
A bounded job ends with one summary line per metric on stderr; with `SLUICE_METRICS_PORT` set, they
are served in Prometheus' text format on that port while the job runs.
"""
import threading
import time

_registry = {}
_lock = threading.Lock()


class Counter(object):
    def __init__(self):
        self._count = 0

    def inc(self, n=1):
        self._count += n

    def dec(self, n=1):
        self._count -= n

    def get_count(self):
        return self._count

    def _value(self):
        return self._count


class Meter(object):
    def __init__(self, time_span_in_seconds):
        self._count = 0
        self._span = max(1, int(time_span_in_seconds))
        self._start = time.monotonic()

    def mark_event(self, value=1):
        self._count += value

    def get_count(self):
        return self._count

    def _value(self):
        elapsed = max(time.monotonic() - self._start, 1e-9)
        return self._count / min(elapsed, self._span) if elapsed < self._span else self._count / elapsed


class Distribution(object):
    def __init__(self):
        self._count = 0
        self._sum = 0
        self._min = None
        self._max = None

    def update(self, value):
        self._count += 1
        self._sum += value
        self._min = value if self._min is None else min(self._min, value)
        self._max = value if self._max is None else max(self._max, value)

    def _value(self):
        return {"count": self._count, "sum": self._sum, "min": self._min, "max": self._max}


class Gauge(object):
    def __init__(self, fn):
        self._fn = fn

    def _value(self):
        return self._fn()


class MetricGroup(object):
    def __init__(self, scope):
        self._scope = list(scope)

    def add_group(self, name, extra=None):
        return MetricGroup(self._scope + ([name, extra] if extra is not None else [name]))

    def _register(self, name, metric):
        key = ".".join(self._scope + [name])
        with _lock:
            existing = _registry.get(key)
            if existing is not None and type(existing) is type(metric):
                return existing
            _registry[key] = metric
        return metric

    def counter(self, name):
        return self._register(name, Counter())

    def gauge(self, name, obj):
        self._register(name, Gauge(obj))

    def meter(self, name, time_span_in_seconds=60):
        return self._register(name, Meter(time_span_in_seconds))

    def distribution(self, name):
        return self._register(name, Distribution())


def _snapshot():
    with _lock:
        items = sorted(_registry.items())
    out = []
    for key, metric in items:
        try:
            out.append((key, metric._value()))
        except Exception as e:  # a gauge's function may fail: report, don't crash the job
            out.append((key, f"<error: {e}>"))
    return out


def summary_lines():
    """One line per metric, for the end of a bounded job."""
    return [f"metric {key} = {value}" for key, value in _snapshot()]


def _prometheus_name(key):
    return "sluice_" + "".join(c if c.isalnum() else "_" for c in key)


def prometheus_text():
    lines = []
    for key, value in _snapshot():
        name = _prometheus_name(key)
        if isinstance(value, dict):
            for field in ("count", "sum", "min", "max"):
                if value[field] is not None:
                    lines.append(f"{name}_{field} {value[field]}")
        elif isinstance(value, (int, float)):
            lines.append(f"{name} {value}")
    return "\n".join(lines) + "\n"


def serve(port):
    """Serves /metrics on 127.0.0.1:port from a daemon thread."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = prometheus_text().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
