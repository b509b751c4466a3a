"""Binary COPY data built with numpy reads back, through PostgreSQL, as the values given."""

import io

import numpy as np
import pytest
from django.db import connection

from tenants.db.binary_copy import binary_copy_data


@pytest.mark.django_db
def test_binary_copy_round_trips_every_type():
    ints = np.array([0, -1, 2**40, 7], dtype=np.int64)
    small = np.array([1, -1, 32767, 0], dtype=np.int16)
    days = np.array([0, 365, -3, 2**31 - 1], dtype=np.int32)
    floats = np.array([0.1 + 0.2, np.nan, -1e300, 33.333333333333336])
    data = binary_copy_data([(ints, "int8"), (small, "int2"), (days, "int4"), (floats, "float8")])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE copied (a bigint, b smallint, c int, d float8)")
        cursor.copy_expert("COPY copied FROM STDIN WITH (FORMAT binary)", io.BytesIO(data))
        cursor.execute("SELECT a, b, c, NULLIF(d, 'NaN') FROM copied")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE copied")
    assert rows == [
        (0, 1, 0, 0.1 + 0.2),
        (-1, -1, 365, None),
        (2**40, 32767, -3, -1e300),
        (7, 0, 2**31 - 1, 33.333333333333336),
    ]


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="Column 1 has 1 values, not 2"):
        binary_copy_data([(np.zeros(2), "float8"), (np.zeros(1), "float8")])
