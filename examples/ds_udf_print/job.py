"""print() inside a user function goes to stdout, before the sink lines of the same batch, as in PyFlink;
the script's own prints come first."""
import sys
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
def f(x):
    print("inside-udf", x)
    print("inside-udf-stderr", x, file=sys.stderr)
    return x * 2
env = StreamExecutionEnvironment.get_execution_environment()
env.set_parallelism(1)
print("client-print")
env.from_collection([1, 2], type_info=Types.INT()).map(f, output_type=Types.INT()).print()
env.execute()
