"""FileSink in row format (`FileSink.for_row_format(path, Encoder.simple_string_encoder())`): PyFlink's
DataStream word count written to files in BATCH mode, with a part prefix and suffix; a ROW stream and
a tuple stream written in STREAMING mode under the base path and under the default date-time bucket.
After each job the script lists what was written, the random parts of the names masked."""
import os
import re
import shutil
import tempfile

from pyflink.common import Encoder, Row, Types
from pyflink.datastream import RuntimeExecutionMode, StreamExecutionEnvironment
from pyflink.datastream.connectors.file_system import (BucketAssigner, FileSink, OutputFileConfig,
                                                       RollingPolicy)

out = tempfile.mkdtemp(prefix="sluice-file-sink-")


def show(base):
    for root, _, files in sorted(os.walk(base)):
        for name in sorted(files):
            path = os.path.join(root, name)
            shown = os.path.relpath(path, out)
            shown = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", shown)
            shown = re.sub(r"\d{4}-\d{2}-\d{2}--\d{2}", "<yyyy-MM-dd--HH>", shown)
            with open(path) as f:
                print(shown, sorted(f.read().splitlines()))


env = StreamExecutionEnvironment.get_execution_environment()
env.set_runtime_mode(RuntimeExecutionMode.BATCH)
env.set_parallelism(1)
lines = env.from_collection(["to be or not to be", "that is the question"])
counts = lines.flat_map(lambda line: [(w, 1) for w in line.split()],
                        output_type=Types.TUPLE([Types.STRING(), Types.INT()])) \
    .key_by(lambda t: t[0]) \
    .reduce(lambda a, b: (a[0], a[1] + b[1]))
counts.sink_to(FileSink.for_row_format(base_path=os.path.join(out, "counts"), encoder=Encoder.simple_string_encoder())
               .with_output_file_config(OutputFileConfig.builder().with_part_prefix("prefix").with_part_suffix(".ext").build())
               .with_rolling_policy(RollingPolicy.default_rolling_policy())
               .build())
env.execute("word count")
show(os.path.join(out, "counts"))

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
people = env.from_collection([("ann", 31), ("bob", 27)], type_info=Types.TUPLE([Types.STRING(), Types.INT()]))
people.map(lambda t: Row(name=t[0], age=t[1]), output_type=Types.ROW_NAMED(["name", "age"], [Types.STRING(), Types.INT()])) \
    .sink_to(FileSink.for_row_format(os.path.join(out, "rows"), Encoder.simple_string_encoder())
             .with_bucket_assigner(BucketAssigner.base_path_bucket_assigner()).build())
people.sink_to(FileSink.for_row_format(os.path.join(out, "tuples"), Encoder.simple_string_encoder()).build())
env.execute("rows and tuples")
show(os.path.join(out, "rows"))
show(os.path.join(out, "tuples"))
shutil.rmtree(out)
