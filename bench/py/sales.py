# CSV: parse a file of sales (id,city,amount,note) with the csv module, convert the
# amount column with float, and print the total and the sum per city (cities sorted).
import csv
import sys
import time

t0 = time.perf_counter()
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
total = 0.0
by_city = {}
for row in rows[1:]:
    amount = float(row[2])
    total += amount
    by_city[row[1]] = by_city.get(row[1], 0.0) + amount
ms = (time.perf_counter() - t0) * 1000
print(len(rows) - 1, f"{total:.2f}")
for c in sorted(by_city):
    print(c, f"{by_city[c]:.2f}")
print(f"#time {ms}", file=sys.stderr)
