// Kiln maps: an insertion-ordered hash table in the manner of CPython's compact dict.
// Entries (key, value) sit in an array in insertion order; a separate index table of
// int32 positions is probed linearly (open addressing) from the key's hash. The bits of
// a slot that its position does not need hold more bits of the hash (a tag: 15 bits in a
// table of 2^16 slots), so a probe that passes other keys reads only the index, not their
// entries (at 2/3 full, about one such slot per lookup, each a cache miss in a large
// map), and the index stays at 4 bytes a slot. A str key of at most 7 bytes is also packed into its
// entry, so finding it compares one word and never reads the string. Removing
// a key leaves a tombstone in both (the entry keeps its place, the index slot is marked
// deleted, so probe chains stay intact); tombstones go away when the table is rebuilt,
// which happens when the entry array is full: the live entries are compacted, in order,
// into arrays sized for twice the live count (so a map that churns keys stays small).
// Memory comes from the collector: the index is pointer-free; the entries are
// pointer-free unless keys are strs or values are references.
#include "map.h"

#define GC_THREADS 1
#define GC_NO_THREAD_REDIRECTS 1
#include <gc/gc.h>

#include <cstdio>
#include <cstring>

extern "C" kiln::KilnArray* kiln_array_new(int64_t len, int32_t elemType);

namespace kiln {

static constexpr uint64_t kTombstone = ~0ull;     // an entry's shortKey once removed
static constexpr uint64_t kLongKey = ~0ull - 1;    // shortKey of a key that is not a short str
static constexpr int64_t kMaxShortKey = 7;         // bytes; the length goes in the top byte
static constexpr uint64_t kHashMask = ~0ull >> 1;
static constexpr int32_t kEmptySlot = -1;
static constexpr int32_t kDeletedSlot = -2;
static constexpr int64_t kMinSlots = 8;
static constexpr int64_t kMaxSlots = (int64_t)1 << 31;  // positions are int32

[[noreturn]] static void mapMemoryError(uint64_t bytes) {
  char m[96];
  snprintf(m, sizeof m, "out of memory (cannot allocate %llu bytes)", (unsigned long long)bytes);
  raiseError("MemoryError", m);
}

// ---------------------------------------------------------------- hashing and equality

// splitmix64's finalizer: every input bit affects every output bit, so consecutive ints
// spread over the whole table.
static inline uint64_t mixBits(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// MurmurHash64A (Austin Appleby, public domain) over the string's bytes.
static uint64_t hashBytes(const char* p, size_t n) {
  const uint64_t m = 0xc6a4a7935bd1e995ull;
  const int r = 47;
  uint64_t h = 0x9747b28c ^ (n * m);
  size_t words = n / 8;
  for (size_t i = 0; i < words; i++) {
    uint64_t k;
    memcpy(&k, p + 8 * i, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  const unsigned char* tail = (const unsigned char*)p + 8 * words;
  switch (n & 7) {
    case 7: h ^= (uint64_t)tail[6] << 48; [[fallthrough]];
    case 6: h ^= (uint64_t)tail[5] << 40; [[fallthrough]];
    case 5: h ^= (uint64_t)tail[4] << 32; [[fallthrough]];
    case 4: h ^= (uint64_t)tail[3] << 24; [[fallthrough]];
    case 3: h ^= (uint64_t)tail[2] << 16; [[fallthrough]];
    case 2: h ^= (uint64_t)tail[1] << 8; [[fallthrough]];
    case 1: h ^= (uint64_t)tail[0]; h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

static const KilnStr* asStr(int64_t bits) {
  const KilnStr* s = (const KilnStr*)(uintptr_t)bits;
  return s ? s : emptyStr();
}

static inline uint64_t hashKey(const KilnMap* m, int64_t key) {
  uint64_t h;
  if (m->keyType == T_STR) {
    const KilnStr* s = asStr(key);
    h = hashBytes(s->bytes, (size_t)s->len);
  } else {
    h = mixBits((uint64_t)key);
  }
  return h & kHashMask;
}

static inline uint64_t packKey(const KilnMap* m, int64_t key) {
  if (m->keyType != T_STR) return kLongKey;
  const KilnStr* s = asStr(key);
  if (s->len > kMaxShortKey) return kLongKey;
  uint64_t packed = 0;
  memcpy(&packed, s->bytes, (size_t)s->len);
  return packed | (uint64_t)s->len << 56;
}

static inline bool sameKey(const KilnMap* m, int64_t a, int64_t b) {
  if (a == b) return true;
  if (m->keyType != T_STR) return false;
  const KilnStr* x = asStr(a);
  const KilnStr* y = asStr(b);
  return x->len == y->len && memcmp(x->bytes, y->bytes, (size_t)x->len) == 0;
}

// ---------------------------------------------------------------- the table

// A new short str key is stored as a copy: the map's keys then sit together in the heap,
// where the originals (say the words of a large text) lie one per cache line and page,
// and every lookup that reaches a key compares its bytes. Strings are immutable, so a
// copy is the same key.
static constexpr int64_t kMaxCopiedKey = 64;

static int64_t storedKey(const KilnMap* m, int64_t key) {
  if (m->keyType != T_STR) return key;
  const KilnStr* s = asStr(key);
  if (s->len == 0 || s->len > kMaxCopiedKey) return key;
  return (int64_t)(uintptr_t)newStr(s->bytes, (size_t)s->len);
}

static bool entriesHoldPointers(const KilnMap* m) {
  bool scalarValue = m->valueType == T_INT || m->valueType == T_FLOAT || m->valueType == T_BOOL;
  return m->keyType == T_STR || !scalarValue;
}

/** Index-table slots for a table that holds `count` entries at most 2/3 full. */
static int64_t slotsFor(int64_t count) {
  int64_t slots = kMinSlots;
  while (slots * 2 / 3 < count) {
    if (slots >= kMaxSlots) mapMemoryError((uint64_t)count * sizeof(KilnMapEntry));
    slots *= 2;
  }
  return slots;
}

// A live index slot: the entry position in the low positionBits bits (positions are below
// the slot count), the hash's tag above it; the top bit stays clear (live slots are >= 0).
static inline uint32_t hashTag(const KilnMap* m, uint64_t hash) {
  return (uint32_t)(hash >> 32) & ((1u << (31 - m->positionBits)) - 1);
}
static inline int32_t slotBits(const KilnMap* m, int64_t pos, uint64_t hash) {
  return (int32_t)((uint32_t)pos | hashTag(m, hash) << m->positionBits);
}

/** Allocates entries and index for `slots` index slots (all empty); keeps the old arrays' contents elsewhere. */
static void allocateTable(KilnMap* m, int64_t slots) {
  int64_t cap = slots * 2 / 3;
  size_t entryBytes = (size_t)cap * sizeof(KilnMapEntry);
  size_t indexBytes = (size_t)slots * sizeof(int32_t);
  void* entries = entriesHoldPointers(m) ? GC_MALLOC(entryBytes) : GC_MALLOC_ATOMIC(entryBytes);
  if (!entries) mapMemoryError(entryBytes);
  int32_t* index = (int32_t*)GC_MALLOC_ATOMIC(indexBytes);
  if (!index) mapMemoryError(indexBytes);
  memset(index, 0xff, indexBytes);  // every slot kEmptySlot (-1)
  m->entries = (KilnMapEntry*)entries;
  m->index = index;
  m->mask = slots - 1;
  m->positionBits = __builtin_ctzll((uint64_t)slots);
  m->cap = cap;
  m->used = 0;
}

/** Index slot of the first empty slot on `hash`'s probe path (the key is known to be absent). */
static int64_t freeSlot(const KilnMap* m, uint64_t hash) {
  int64_t i = (int64_t)(hash & (uint64_t)m->mask);
  while (m->index[i] >= 0) i = (i + 1) & m->mask;
  return i;
}

/** Compacts the live entries, in order, into a table with room for `room` of them. */
static void rebuild(KilnMap* m, int64_t room) {
  KilnMapEntry* old = m->entries;
  int64_t oldUsed = m->used;
  allocateTable(m, slotsFor(room));
  for (int64_t pos = 0; pos < oldUsed; pos++) {
    if (old[pos].shortKey == kTombstone) continue;
    uint64_t hash = hashKey(m, old[pos].key);
    m->entries[m->used] = old[pos];
    m->index[freeSlot(m, hash)] = slotBits(m, m->used, hash);
    m->used++;
  }
}

struct Probe {
  int64_t pos;   // the entry's position, or -1 if the key is absent
  int64_t slot;  // where the key is, or where to put it (the first deleted slot on the path, else the empty one)
};

/** Whether entry `e` (live) holds `key`, whose packKey is `packed`. */
static inline bool holds(const KilnMap* m, const KilnMapEntry& e, int64_t key, uint64_t packed) {
  if (packed != kLongKey) return e.shortKey == packed;
  return e.shortKey == kLongKey && sameKey(m, e.key, key);
}

static Probe probe(const KilnMap* m, int64_t key, uint64_t hash) {
  int64_t i = (int64_t)(hash & (uint64_t)m->mask);
  uint32_t tag = hashTag(m, hash);
  uint64_t packed = packKey(m, key);
  int64_t reusable = -1;
  for (;;) {
    int32_t slot = m->index[i];
    if (slot == kEmptySlot) return {-1, reusable >= 0 ? reusable : i};
    if (slot == kDeletedSlot) {
      if (reusable < 0) reusable = i;
    } else if ((uint32_t)slot >> m->positionBits == tag) {
      int64_t ix = slot & m->mask;
      if (holds(m, m->entries[ix], key, packed)) return {ix, i};
    }
    i = (i + 1) & m->mask;
  }
}

static void remember(KilnMap* m, int64_t key, uint64_t hash, Probe p) {
  m->lastKey = key;
  m->lastHash = hash;
  m->lastPos = p.pos;
  m->lastSlot = p.slot;
  m->lastChanges = m->changes;
}

/** probe() for `key`, or the last lookup's result if it was for the same key bits and nothing moved since. */
static Probe lookup(KilnMap* m, int64_t key, uint64_t* hash) {
  if (m->lastChanges == m->changes && m->lastKey == key) {
    *hash = m->lastHash;
    return {m->lastPos, m->lastSlot};
  }
  *hash = hashKey(m, key);
  Probe p = probe(m, key, *hash);
  remember(m, key, *hash, p);
  return p;
}

[[noreturn]] static void keyError(const KilnMap* m, int64_t key) {
  std::string text;
  formatValue(text, key, m->keyType, true);
  raiseError("KeyError", text.c_str());
}

// ---------------------------------------------------------------- formatting

/** Position of the first live entry at or after `pos` (m->used if none). */
static int64_t nextLive(const KilnMap* m, int64_t pos) {
  while (pos < m->used && m->entries[pos].shortKey == kTombstone) pos++;
  return pos;
}

/** Position of the `count`-th live entry counting back from the end. */
static int64_t startOfLast(const KilnMap* m, int64_t count) {
  int64_t pos = m->used;
  while (count > 0 && pos > 0)
    if (m->entries[--pos].shortKey != kTombstone) count--;
  return pos;
}

// As arrays: more than 100 entries show the first 50, `...`, the last 50, `(len N)`.
void formatMap(std::string& out, const KilnMap* m, int32_t keyType, int32_t valueType, int nesting) {
  int64_t n = m->len;
  out += '{';
  int64_t shown = 0;
  for (int64_t pos = nextLive(m, 0); pos < m->used; pos = nextLive(m, pos + 1)) {
    if (n > 100 && shown == 50) {
      out += ", ...";
      pos = startOfLast(m, 50);
      shown = n - 50;
    }
    if (shown > 0) out += ", ";
    formatValue(out, m->entries[pos].key, keyType, true, nesting + 1);
    out += ": ";
    formatValue(out, m->entries[pos].value, valueType, true, nesting + 1);
    shown++;
  }
  out += '}';
  if (n > 100) {
    char b[32];
    snprintf(b, sizeof b, " (len %lld)", (long long)n);
    out += b;
  }
}

}  // namespace kiln

using namespace kiln;

// ================================================================ the C ABI
extern "C" {

KilnMap* kiln_map_new(int32_t keyType, int32_t valueType, int64_t sizeHint) {
  KilnMap* m = (KilnMap*)GC_MALLOC(sizeof(KilnMap));
  if (!m) mapMemoryError(sizeof(KilnMap));
  m->keyType = keyType;
  m->valueType = valueType;
  m->lastChanges = -1;  // no lookup yet
  allocateTable(m, slotsFor(sizeHint > 0 ? sizeHint : 0));
  return m;
}

void kiln_map_set(KilnMap* m, int64_t key, int64_t value) {
  uint64_t hash;
  Probe p = lookup(m, key, &hash);
  if (p.pos >= 0) {
    m->entries[p.pos].value = value;  // a replaced key keeps its position
    return;
  }
  if (m->used == m->cap) {
    rebuild(m, 2 * (m->len + 1));
    p.slot = freeSlot(m, hash);
  }
  m->entries[m->used] = {packKey(m, key), storedKey(m, key), value};
  m->index[p.slot] = slotBits(m, m->used, hash);
  m->used++;
  m->len++;
  m->changes++;
  remember(m, key, hash, {m->used - 1, p.slot});
}

int64_t kiln_map_get(KilnMap* m, int64_t key) {
  uint64_t hash;
  Probe p = lookup(m, key, &hash);
  if (p.pos < 0) keyError(m, key);
  return m->entries[p.pos].value;
}

int64_t kiln_map_get_or(KilnMap* m, int64_t key, int64_t fallback) {
  uint64_t hash;
  Probe p = lookup(m, key, &hash);
  return p.pos < 0 ? fallback : m->entries[p.pos].value;
}

int64_t kiln_map_has(KilnMap* m, int64_t key) {
  uint64_t hash;
  return lookup(m, key, &hash).pos >= 0;
}

void kiln_map_remove(KilnMap* m, int64_t key) {
  uint64_t hash;
  Probe p = lookup(m, key, &hash);
  if (p.pos < 0) keyError(m, key);
  m->entries[p.pos] = {kTombstone, 0, 0};  // (0s: the collector may free what they held)
  m->index[p.slot] = kDeletedSlot;
  m->len--;
  m->changes++;
}

KilnArray* kiln_map_keys(KilnMap* m) {
  KilnArray* a = kiln_array_new(m->len, m->keyType);
  int64_t i = 0;
  for (int64_t pos = nextLive(m, 0); pos < m->used; pos = nextLive(m, pos + 1)) a->data[i++] = m->entries[pos].key;
  return a;
}

KilnArray* kiln_map_values(KilnMap* m) {
  KilnArray* a = kiln_array_new(m->len, m->valueType);
  int64_t i = 0;
  for (int64_t pos = nextLive(m, 0); pos < m->used; pos = nextLive(m, pos + 1)) a->data[i++] = m->entries[pos].value;
  return a;
}

// `for k in m`: the key of the first live entry at or after *cursor, moving *cursor past
// it; at the end, *cursor becomes -1. `changes` is the map's count when the loop began.
int64_t kiln_map_next(KilnMap* m, int64_t* cursor, int64_t changes) {
  if (m->changes != changes) raiseError("RuntimeError", "map changed size during iteration");
  int64_t pos = nextLive(m, *cursor);
  if (pos >= m->used) {
    *cursor = -1;
    return 0;
  }
  *cursor = pos + 1;
  return m->entries[pos].key;
}

}  // extern "C"
