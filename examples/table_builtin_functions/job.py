"""Flink's built-in string, math and conditional functions in SQL and in the Table API's expression
DSL: CONCAT_WS, LPAD/RPAD, REPEAT, REVERSE, INITCAP, LOCATE/POSITION, ASCII, CHR, LEFT/RIGHT,
SPLIT_INDEX, TO_BASE64/FROM_BASE64, IS_DIGIT/IS_ALPHA, REGEXP_REPLACE/REGEXP_EXTRACT/REGEXP, POWER,
SQRT, LN, LOG10, LOG2, LOG, EXP, trigonometry, DEGREES/RADIANS, PI, E, SIGN, TRUNCATE, GREATEST,
LEAST, IFNULL and REPLACE, with NULL arguments."""
import os

from pyflink.table import EnvironmentSettings, TableEnvironment
from pyflink.table.expressions import col, concat_ws, lit

here = os.path.dirname(os.path.abspath(__file__))
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
t_env.execute_sql(f"""
CREATE TABLE people (id INT, name STRING, score DOUBLE, phrase STRING, code STRING)
WITH ('connector' = 'filesystem', 'path' = '{here}/people.csv', 'format' = 'csv')
""")

t_env.execute_sql("""
CREATE TABLE strings_out (id INT, a STRING, b STRING, c STRING, d STRING, e STRING, f STRING, g INT,
  h INT, i STRING, j STRING, k STRING, l STRING, m STRING, n STRING, o BOOLEAN, p BOOLEAN)
WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO strings_out SELECT id,
  CONCAT_WS('-', name, phrase, CAST(NULL AS STRING), code),
  LPAD(name, 7, '*.'),
  RPAD(code, 4, 'xy'),
  REPEAT(name, 2),
  REVERSE(phrase),
  INITCAP(phrase),
  LOCATE('o', phrase),
  POSITION('2' IN code),
  CHR(64 + id),
  LEFT(phrase, 3),
  RIGHT(phrase, 4),
  SPLIT_INDEX('a,b,,d', ',', id),
  TO_BASE64(name),
  FROM_BASE64(TO_BASE64(phrase)),
  IS_DIGIT(code),
  IS_ALPHA(name)
FROM people
""").wait()

t_env.execute_sql("""
CREATE TABLE regex_out (id INT, a STRING, b STRING, c STRING, d STRING, e BOOLEAN, f INT, g STRING)
WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO regex_out SELECT id,
  REGEXP_REPLACE(code, '[0-9]+', '#'),
  REGEXP_EXTRACT(code, '([a-z])([0-9]+)', 2),
  REGEXP_EXTRACT(code, '[0-9]+'),
  REGEXP_EXTRACT(code, '([0-9]+)', 5),
  REGEXP(code, '^[a-z]'),
  ASCII(name),
  REGEXP_REPLACE(phrase, 'o', '$1')
FROM people
""").wait()

t_env.execute_sql("""
CREATE TABLE math_out (id INT, a DOUBLE, b DOUBLE, c DOUBLE, d DOUBLE, e DOUBLE, f DOUBLE, g DOUBLE,
  h DOUBLE, i DOUBLE, j DOUBLE, k DOUBLE, l DOUBLE, m INT, n DOUBLE, o DOUBLE, p INT, q DOUBLE, r INT,
  s STRING, t DOUBLE)
WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO math_out SELECT id,
  POWER(score, 2),
  SQRT(id * 4.0),
  LN(CAST(id AS DOUBLE)),
  LOG10(100.0 * id),
  LOG2(8.0 * id),
  LOG(2, 32),
  EXP(0.0),
  SIN(0.0),
  COS(0.0),
  DEGREES(PI()),
  RADIANS(180.0),
  E(),
  SIGN(id - 2),
  SIGN(score),
  TRUNCATE(score, 1),
  TRUNCATE(1234 * id, -2),
  GREATEST(score, 0.5, id),
  LEAST(id, 2, 3),
  GREATEST(name, phrase),
  ATAN2(1.0, 1.0)
FROM people
""").wait()

t_env.execute_sql("""
CREATE TABLE cond_out (id INT, a STRING, b INT, c STRING, d STRING) WITH ('connector' = 'print')
""")
t_env.execute_sql("""
INSERT INTO cond_out SELECT id, IFNULL(CAST(NULL AS STRING), name), IFNULL(id, 0),
  LPAD(CAST(NULL AS STRING), 3, 'x'), REPLACE(phrase, 'o', '0')
FROM people
""").wait()

people = t_env.from_path("people")
people.select(
    col("id"),
    concat_ws("/", col("name"), col("code")),
    col("name").lpad(6, "_"),
    col("code").rpad(5, "!"),
    col("phrase").init_cap,
    col("name").repeat(3),
    col("code").regexp_replace("[a-z]", "."),
    col("code").regexp_extract("([0-9]+)", 1),
    col("phrase").split_index(" ", 1),
    col("name").to_base64,
    col("score") ** 3,
    col("score").sqrt,
    col("score").sign,
    col("score").truncate(0),
).execute().print()
