"""Three bounded sources of log lines merged by one union(app, cron) call and normalised by
one map. The order in which union interleaves its inputs is not defined -> compared as a
multiset."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment

WEB = [('web', 'GET /'), ('web', 'GET /cart'), ('web', 'POST /pay')]
APP = [('app', 'open'), ('app', 'tap buy'), ('app', 'close')]
CRON = [('cron', 'backup'), ('cron', 'report')]


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    line = Types.TUPLE([Types.STRING(), Types.STRING()])
    web = env.from_collection(WEB, type_info=line)
    app = env.from_collection(APP, type_info=line)
    cron = env.from_collection(CRON, type_info=line)
    web.union(app, cron) \
        .map(lambda l: '[%s] %s' % (l[0].upper(), l[1]), output_type=Types.STRING()) \
        .print()

    env.execute("ds_union")


if __name__ == '__main__':
    main()
