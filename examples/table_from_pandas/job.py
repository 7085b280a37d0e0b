"""`t_env.from_pandas(df)`: a DataFrame's rows as a table, column types from the dtypes (BIGINT, INT,
DOUBLE, FLOAT, STRING, BOOLEAN), NaN and None as NULL; with column names or a row type as the
schema; and back with to_pandas()."""
import pandas as pd
import numpy as np
from pyflink.table import EnvironmentSettings, TableEnvironment, DataTypes
from pyflink.table.expressions import col
t_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
t_env.get_config().set("parallelism.default", "1")
pdf = pd.DataFrame({"id": [1, 2, 3], "name": ["a", "b", None], "score": [1.5, np.nan, 3.0], "ok": [True, False, True]})
t = t_env.from_pandas(pdf)
t.execute().print()
t.group_by(col("ok")).select(col("ok"), col("id").sum.alias("s")).execute().print()
t2 = t_env.from_pandas(pdf, ["a", "b", "c", "d"])
t2.where(col("d")).select(col("a"), col("c")).execute().print()
t3 = t_env.from_pandas(pdf, DataTypes.ROW([DataTypes.FIELD("i", DataTypes.INT()), DataTypes.FIELD("n", DataTypes.STRING()), DataTypes.FIELD("s", DataTypes.DOUBLE()), DataTypes.FIELD("o", DataTypes.BOOLEAN())]))
t3.execute().print()
small = pd.DataFrame({"k": pd.Series([1, 2], dtype="int32"), "v": pd.Series([0.5, 0.25], dtype="float32")})
t_env.from_pandas(small).execute().print()
print(t_env.from_pandas(pdf).select(col("id") * 10, col("name")).to_pandas())
