"""Tables declared with TableDescriptor and Schema instead of DDL text: `create_temporary_table` and
`create_table` with a datagen source (sequence fields), print sinks and a filesystem CSV source whose
format is a FormatDescriptor; `from_descriptor`, `execute_insert(descriptor)`, `insert_into(descriptor)`
with a schema derived from the query, a statement set's `add_insert(descriptor, table)`, an option given
as a typed ConfigOption and a schema extended with `from_schema`."""
import os

from pyflink.common import ConfigOptions
from pyflink.table import (DataTypes, EnvironmentSettings, FormatDescriptor, Schema, TableDescriptor,
                           TableEnvironment)
from pyflink.table.expressions import col, lit
from pyflink.table.window import Tumble

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
here = os.path.dirname(os.path.abspath(__file__))

# A datagen source of sequence fields, and a print sink, registered under names.
t_env.create_temporary_table(
    "orders",
    TableDescriptor.for_connector("datagen")
    .schema(Schema.new_builder()
            .column("id", DataTypes.BIGINT().not_null())
            .column("amount", "INT")
            .primary_key("id")
            .build())
    .option("fields.id.kind", "sequence")
    .option("fields.id.start", "1")
    .option("fields.id.end", "6")
    .option("fields.amount.kind", "sequence")
    .option("fields.amount.start", "10")
    .option("fields.amount.end", "15")
    .build())
t_env.create_table(
    "big_orders",
    TableDescriptor.for_connector("print")
    .schema(Schema.new_builder()
            .from_fields(["id", "amount", "doubled"], [DataTypes.BIGINT(), DataTypes.INT(), DataTypes.INT()])
            .build())
    .option("print-identifier", "big")
    .build())
t_env.from_path("orders") \
    .where(col("amount") > 12) \
    .select(col("id"), col("amount"), col("amount") * 2) \
    .execute_insert("big_orders").wait()

# A CSV file read through an inline descriptor: `;` separated, with an event-time watermark.
reading_schema = (Schema.new_builder()
                  .column("sensor", DataTypes.STRING())
                  .column("reading", DataTypes.INT())
                  .column("ts", DataTypes.TIMESTAMP(3))
                  .watermark("ts", "ts - INTERVAL '1' SECOND")
                  .build())
print(reading_schema, flush=True)
readings = t_env.from_descriptor(
    TableDescriptor.for_connector("filesystem")
    .schema(reading_schema)
    .option("path", os.path.join(here, "readings.csv"))
    .format(FormatDescriptor.for_format("csv").option("field-delimiter", ";").build())
    .build())

# A tumbling window into an inline print sink whose schema is declared (row type and a string type).
readings.window(Tumble.over(lit(5).seconds).on(col("ts")).alias("w")) \
    .group_by(col("w"), col("sensor")) \
    .select(col("sensor"), col("w").end, col("reading").sum) \
    .execute_insert(
        TableDescriptor.for_connector("print")
        .schema(Schema.new_builder()
                .from_row_data_type(DataTypes.ROW([DataTypes.FIELD("sensor", DataTypes.STRING()),
                                                   DataTypes.FIELD("window_end", DataTypes.TIMESTAMP(3))]))
                .column("total", "BIGINT")
                .build())
        .option("print-identifier", "windows")
        .build()).wait()

# insert_into an inline sink without a schema: its columns are the query's.
readings.where(col("reading") >= 10) \
    .select(col("sensor"), col("reading") + 1) \
    .insert_into(TableDescriptor.for_connector("print").option("print-identifier", "derived").build()) \
    .execute().wait()

# A statement set's insert into a descriptor.
statements = t_env.create_statement_set()
statements.add_insert(
    TableDescriptor.for_connector("print")
    .schema(Schema.new_builder().column("sensor", DataTypes.VARCHAR(10)).column("n", DataTypes.BIGINT()).build())
    .option("print-identifier", "counts")
    .build(),
    readings.group_by(col("sensor")).select(col("sensor"), col("reading").count))
statements.execute().wait()

# A typed ConfigOption (its value an int) and a schema adopted with from_schema, then extended.
rows_option = ConfigOptions.key("number-of-rows").long_type().no_default_value()
base = Schema.new_builder().column("n", DataTypes.INT()).build()
t_env.create_temporary_table(
    "numbers",
    TableDescriptor.for_connector("datagen")
    .schema(Schema.new_builder().from_schema(base).column("m", DataTypes.BIGINT()).build())
    .option(rows_option, 3)
    .option("fields.n.kind", "sequence").option("fields.n.start", "100").option("fields.n.end", "200")
    .option("fields.m.kind", "sequence").option("fields.m.start", "7").option("fields.m.end", "200")
    .build())
t_env.execute_sql("SELECT n, m, n + m AS total FROM numbers").print()
