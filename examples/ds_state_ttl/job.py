"""Login counter whose ValueState (and a ListState) carry a processing-time StateTtlConfig.

The TTL (1 hour) is far longer than the job runs, so nothing expires: the output is the
same as without TTL. The job shows that the TTL configuration is accepted."""
from pyflink.common import Time
from pyflink.common.typeinfo import Types
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ListStateDescriptor, StateTtlConfig, ValueStateDescriptor

LOGINS = [('ann', 'web'), ('ben', 'ios'), ('ann', 'android'), ('ann', 'web'),
          ('cid', 'web'), ('ben', 'web'), ('ann', 'ios')]


class LoginCounter(KeyedProcessFunction):

    def open(self, runtime_context: RuntimeContext):
        ttl = StateTtlConfig.new_builder(Time.hours(1)) \
            .set_update_type(StateTtlConfig.UpdateType.OnReadAndWrite) \
            .set_state_visibility(StateTtlConfig.StateVisibility.NeverReturnExpired) \
            .set_ttl_time_characteristic(StateTtlConfig.TtlTimeCharacteristic.ProcessingTime) \
            .cleanup_full_snapshot() \
            .build()
        count_desc = ValueStateDescriptor('count', Types.LONG())
        count_desc.enable_time_to_live(ttl)
        self.count = runtime_context.get_state(count_desc)

        devices_ttl = StateTtlConfig.new_builder(Time.minutes(30)).build()
        devices_desc = ListStateDescriptor('devices', Types.STRING())
        devices_desc.enable_time_to_live(devices_ttl)
        self.devices = runtime_context.get_list_state(devices_desc)

    def process_element(self, value, ctx: 'KeyedProcessFunction.Context'):
        user, device = value
        count = (self.count.value() or 0) + 1
        self.count.update(count)
        seen = list(self.devices.get())
        if device not in seen:
            self.devices.add(device)
            seen.append(device)
        yield '%s login #%d from %s (devices: %s)' % (user, count, device, ','.join(seen))


def main():
    env = StreamExecutionEnvironment.get_execution_environment()
    env.set_parallelism(1)

    ds = env.from_collection(LOGINS, type_info=Types.TUPLE([Types.STRING(), Types.STRING()]))
    ds.key_by(lambda v: v[0]) \
        .process(LoginCounter(), output_type=Types.STRING()) \
        .print()

    env.execute("ds_state_ttl")


if __name__ == '__main__':
    main()
