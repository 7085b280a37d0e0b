"""Shopping carts kept in a ListState: add, add_all, get, update and clear."""
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ListStateDescriptor

EVENTS = [
    ('alice', 'add', 'apple'),
    ('bob', 'add', 'milk'),
    ('alice', 'add_all', 'pear;plum;fig'),
    ('alice', 'remove', 'plum'),
    ('bob', 'show', ''),
    ('carol', 'show', ''),
    ('alice', 'checkout', ''),
    ('bob', 'add_all', 'eggs;bread'),
    ('alice', 'show', ''),
    ('alice', 'add', 'kiwi'),
    ('bob', 'remove', 'milk'),
    ('bob', 'checkout', ''),
    ('alice', 'checkout', ''),
]


class Cart(KeyedProcessFunction):

    def open(self, runtime_context: RuntimeContext):
        self.items = runtime_context.get_list_state(
            ListStateDescriptor('items', Types.STRING()))

    def process_element(self, value, ctx: 'KeyedProcessFunction.Context'):
        user, action, arg = value
        if action == 'add':
            self.items.add(arg)
        elif action == 'add_all':
            self.items.add_all(arg.split(';'))
        elif action == 'remove':
            self.items.update([i for i in self.items.get() if i != arg])
        current = list(self.items.get())
        if action == 'checkout':
            self.items.clear()
            yield user, action, len(current), current
        elif action == 'show':
            yield user, action, len(current), current


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(
        EVENTS, type_info=Types.TUPLE([Types.STRING(), Types.STRING(), Types.STRING()]))
    ds.key_by(lambda e: e[0]) \
        .process(Cart(), output_type=Types.TUPLE(
            [Types.STRING(), Types.STRING(), Types.INT(), Types.LIST(Types.STRING())])) \
        .print()

    env.execute("ds_list_state")


if __name__ == '__main__':
    main()
