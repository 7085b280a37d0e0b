"""connect() of two differently typed streams with a CoMapFunction (map1/map2) and a
CoFlatMapFunction (flat_map1/flat_map2): temperatures in Celsius and Fahrenheit are
normalised into one stream. Two independent sources feed the connected operator, so the
interleaving is not defined -> compared as a multiset."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import CoFlatMapFunction, CoMapFunction

CELSIUS = [('berlin', 21), ('oslo', 12), ('rome', 30)]
FAHRENHEIT = [('nyc', 77.0), ('miami', 95.0)]


class Normalise(CoMapFunction):

    def map1(self, value):
        return value[0], float(value[1])

    def map2(self, value):
        return value[0], (value[1] - 32) * 5 / 9


class Alerts(CoFlatMapFunction):

    def flat_map1(self, value):
        yield 'reading %s %.1fC' % value
        if value[1] >= 30:
            yield 'HOT %s' % value[0]

    def flat_map2(self, value):
        yield 'config %s' % value


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    celsius = env.from_collection(CELSIUS, type_info=Types.TUPLE([Types.STRING(), Types.INT()]))
    fahrenheit = env.from_collection(
        FAHRENHEIT, type_info=Types.TUPLE([Types.STRING(), Types.DOUBLE()]))
    normalised = celsius.connect(fahrenheit) \
        .map(Normalise(), output_type=Types.TUPLE([Types.STRING(), Types.DOUBLE()]))
    config = env.from_collection(['threshold=30'], type_info=Types.STRING())
    normalised.connect(config) \
        .flat_map(Alerts(), output_type=Types.STRING()) \
        .print()

    env.execute("ds_connect_comap")


if __name__ == '__main__':
    main()
