"""The datagen connector: a bounded sequence (BIGINT and STRING), random columns whose ranges are
checked by the query (the values themselves are random), a sequence cut short by number-of-rows,
print with standard-error (nothing on stdout) and the blackhole sink."""
from pyflink.table import EnvironmentSettings, TableEnvironment

t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql("""
    CREATE TABLE gen (
        id BIGINT,
        label STRING,
        small INT,
        ratio DOUBLE,
        word STRING,
        flag BOOLEAN
    ) WITH (
        'connector' = 'datagen',
        'rows-per-second' = '1000',
        'fields.id.kind' = 'sequence',
        'fields.id.start' = '1',
        'fields.id.end' = '12',
        'fields.label.kind' = 'sequence',
        'fields.label.start' = '100',
        'fields.label.end' = '200',
        'fields.small.min' = '10',
        'fields.small.max' = '20',
        'fields.ratio.min' = '0.5',
        'fields.ratio.max' = '1.5',
        'fields.word.length' = '7'
    )
""")
t_env.execute_sql("""
    CREATE TABLE short_gen (n INT) WITH (
        'connector' = 'datagen', 'number-of-rows' = '3',
        'fields.n.kind' = 'sequence', 'fields.n.start' = '5', 'fields.n.end' = '1000')
""")
t_env.execute_sql("CREATE TABLE gen_out (id BIGINT, label STRING, small_ok BOOLEAN, ratio_ok BOOLEAN, "
                  "word_len INT, flag_ok BOOLEAN) WITH ('connector' = 'print')")
t_env.execute_sql("""
    INSERT INTO gen_out
    SELECT id, label, small >= 10 AND small <= 20, ratio >= 0.5 AND ratio <= 1.5,
           CHAR_LENGTH(word), flag IS NOT NULL
    FROM gen
""").wait()
t_env.execute_sql("CREATE TABLE short_out (n INT) WITH ('connector' = 'print')")
t_env.execute_sql("INSERT INTO short_out SELECT n FROM short_gen").wait()
t_env.execute_sql("CREATE TABLE err_out (n INT) WITH ('connector' = 'print', 'standard-error' = 'true')")
t_env.execute_sql("INSERT INTO err_out SELECT n FROM short_gen").wait()
t_env.execute_sql("CREATE TABLE hole (n INT) WITH ('connector' = 'blackhole')")
t_env.execute_sql("INSERT INTO hole SELECT n FROM short_gen").wait()
