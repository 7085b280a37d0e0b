"""Word count over a text file read with FileSource + StreamFormat.text_line_format(); the path is an argument."""
import sys
from pyflink.common import Types, WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.file_system import FileSource, StreamFormat

env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
path = sys.argv[1] if len(sys.argv) > 1 else "words.txt"
src = FileSource.for_record_stream_format(StreamFormat.text_line_format(), path).build()
ds = env.from_source(src, WatermarkStrategy.no_watermarks(), "file")
ds.flat_map(lambda l: l.split(), output_type=Types.STRING()).map(lambda w: (w, 1), output_type=Types.TUPLE([Types.STRING(), Types.INT()])) \
  .key_by(lambda t: t[0]).sum(1).print()
env.execute()
