"""Reads a research export back with pyarrow (issue 5): the Parquet file is what the CSV
says, with the data dictionary's columns and no identifying column."""
import csv
import sys

import pyarrow.parquet as pq

parquet_path, csv_path, dictionary_path = sys.argv[1:4]
table = pq.read_table(parquet_path)
with open(csv_path, newline="") as f:
    rows = list(csv.DictReader(f))
with open(dictionary_path) as f:
    dictionary = f.read()

assert table.num_rows == len(rows) > 0, (table.num_rows, len(rows))
assert table.column_names == list(rows[0].keys()), (table.column_names, list(rows[0].keys()))
for name in table.column_names:
    assert f"| {name} |" in dictionary, f"{name} is not in the data dictionary"
for forbidden in ("first_name", "last_name", "dob", "phone", "email", "location", "reference"):
    assert forbidden not in table.column_names, forbidden
data = table.to_pydict()
assert all(0 <= a <= 90 for a in data["age"]), "ages over 89 leave as 90"
assert all(len(d) == 7 for d in data["encounter_date"]), "dates reduced to the month"
assert [str(k) for k in data["person_key"]] == [r["person_key"] for r in rows]
assert [str(v).lower() for v in data["eligible"]] == [r["eligible"] for r in rows]
intake = [("" if v is None else str(v)) for v in data["minutes_to_intake"]]
assert intake == [r["minutes_to_intake"] for r in rows]
print(f"parquet: {table.num_rows} rows, {len(table.column_names)} columns, same as the CSV")
