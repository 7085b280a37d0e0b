"""How print() renders temporal, decimal and collection types. TUPLE fields use Java
toString (java.sql.Timestamp/Date/Time, BigDecimal, Instant, HashMap, arrays); ROW fields
use Python str() (containers show repr() of their elements). Timestamps from
from_collection or a Java-typed field keep milliseconds only; map keys come out in Java
HashMap order after from_collection. Several sinks -> compared as a multiset."""
import datetime
from decimal import Decimal

from pyflink.common import Row
from pyflink.common.time import Instant
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment

TEMPORAL = [(datetime.datetime(2021, 5, 20, 10, 30, 15, 123456), datetime.date(2021, 5, 20),
             datetime.time(10, 30, 15), Decimal('1.50'), Instant(1621500000, 5000000)),
            (datetime.datetime(1999, 12, 31, 23, 59), datetime.date(2000, 1, 1),
             datetime.time(0, 0, 1, 500000), Decimal('-12345678901234567890.125'),
             Instant(0, 0))]
TEMPORAL_TYPES = [Types.SQL_TIMESTAMP(), Types.SQL_DATE(), Types.SQL_TIME(), Types.BIG_DEC(),
                  Types.INSTANT()]

COLLECTIONS = [(1, [1, 2, 3], {'y': 1, 'x': 2, 'b': 3}, [1.5, 0.25], ['x', None], [7, 8]),
               (2, [], {}, [], [], [])]
COLLECTION_TYPES = [Types.INT(), Types.LIST(Types.INT()), Types.MAP(Types.STRING(), Types.INT()),
                    Types.PRIMITIVE_ARRAY(Types.DOUBLE()), Types.BASIC_ARRAY(Types.STRING()),
                    Types.PRIMITIVE_ARRAY(Types.INT())]


def invoice(n):
    issued = datetime.datetime(2024, 2, 28, 23, 0) + datetime.timedelta(hours=n)
    return n, issued, Decimal('19.99') * n, issued.date(), {'sku': n, 'qty': 2 * n, 'a': 0}


def invoice_row(n):
    _, issued, amount, day, _ = invoice(n)
    return Row(n, [issued], {'net': amount / Decimal(4)}, day, issued.time())


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    env.from_collection(TEMPORAL, type_info=Types.TUPLE(TEMPORAL_TYPES)).print('tuple')
    env.from_collection(TEMPORAL, type_info=Types.ROW(TEMPORAL_TYPES)).print('row')
    env.from_collection(COLLECTIONS, type_info=Types.TUPLE(COLLECTION_TYPES)).print('coll-tuple')
    env.from_collection(COLLECTIONS, type_info=Types.ROW(COLLECTION_TYPES)).print('coll-row')

    numbers = env.from_collection([1, 2, 3], type_info=Types.INT())
    numbers.map(invoice, output_type=Types.TUPLE(
        [Types.INT(), Types.SQL_TIMESTAMP(), Types.BIG_DEC(), Types.SQL_DATE(),
         Types.MAP(Types.STRING(), Types.INT())])) \
        .print('map-tuple')
    numbers.map(invoice_row, output_type=Types.ROW(
        [Types.INT(), Types.LIST(Types.SQL_TIMESTAMP()), Types.MAP(Types.STRING(), Types.BIG_DEC()),
         Types.SQL_DATE(), Types.SQL_TIME()])) \
        .print('map-row')
    numbers.map(lambda n: Decimal(n) / Decimal(8), output_type=Types.BIG_DEC()).print('dec')

    env.execute("ds_types")


if __name__ == '__main__':
    main()
