# Word count: the words of a text file counted in a dict, then the 100 most frequent
# (ties by word, ascending).
import sys
import time

t0 = time.perf_counter()
with open(sys.argv[1], encoding="utf-8") as f:
    text = f.read()
counts = {}
for w in text.split():
    counts[w] = counts.get(w, 0) + 1
top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
ms = (time.perf_counter() - t0) * 1000
print(len(counts))
for w, c in top:
    print(w, c)
print(f"#time {ms}", file=sys.stderr)
