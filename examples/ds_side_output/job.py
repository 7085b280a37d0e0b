"""Input validation with side outputs: a ProcessFunction yields valid records to the main
output and `yield tag, value` for rejected ones (PyFlink has no ctx.output(tag, value); a
side-output record is a (OutputTag, value) pair yielded from process_element), read back
with get_side_output(tag). Two tags, three sinks -> compared as a multiset."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import OutputTag, StreamExecutionEnvironment
from pyflink.datastream.functions import ProcessFunction

PAYMENTS = ['alice,30', 'bob,-5', 'carol,abc', 'dave,12', 'eve', 'frank,0', 'gina,7']

INVALID = OutputTag('invalid', Types.STRING())
SUSPICIOUS = OutputTag('suspicious', Types.TUPLE([Types.STRING(), Types.INT()]))


class Validate(ProcessFunction):

    def process_element(self, value, ctx: 'ProcessFunction.Context'):
        parts = value.split(',')
        if len(parts) != 2 or not parts[1].lstrip('-').isdigit():
            yield INVALID, 'unparsable: %s' % value
            return
        name, amount = parts[0], int(parts[1])
        if amount <= 0:
            yield SUSPICIOUS, (name, amount)
        else:
            yield name, amount


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    checked = env.from_collection(PAYMENTS, type_info=Types.STRING()) \
        .process(Validate(), output_type=Types.TUPLE([Types.STRING(), Types.INT()]))
    checked.print('ok')
    checked.get_side_output(INVALID).print('invalid')
    checked.get_side_output(SUSPICIOUS) \
        .map(lambda p: 'check %s (%d)' % p, output_type=Types.STRING()) \
        .print('suspicious')

    env.execute("ds_side_output")


if __name__ == '__main__':
    main()
