// Kiln maps `{K: V}` (native/src/map.cc): an insertion-ordered hash table, laid out as
// CPython's compact dict. Layout and symbols: docs/runtime-abi.md "Maps".
#pragma once
#include "kiln.h"

namespace kiln {

// One entry in insertion order. A removed entry stays in place as a tombstone
// (shortKey == kTombstone) until the next rebuild.
struct KilnMapEntry {
  uint64_t shortKey;  // a str key of at most 7 bytes packed with its length, else kLongKey
  int64_t key;        // key bits (int, bool 0/1, or KilnStr*)
  int64_t value;      // value bits (as an array element)
};

struct KilnMap {
  int64_t len;             // live entries; first word, like arrays and strings (inline len)
  int64_t changes;         // bumped by every insert of a new key and every remove
  KilnMapEntry* entries;   // `cap` entries; entries[0..used) are live or tombstones
  int64_t used;
  int64_t cap;
  int32_t* index;          // open addressing (linear probing), `mask + 1` slots: kEmptySlot,
  int64_t mask;            //   kDeletedSlot, or an entry position (low positionBits bits)
  int64_t positionBits;    //   under a tag of the hash's bits 32 and up (the bits left, 31 - positionBits)
  int32_t keyType;         // T_INT, T_STR or T_BOOL
  int32_t valueType;       // a type id (decides whether entries hold pointers)
  // The last lookup, for `m[k] = get(m, k, d) + 1`: valid while `changes` equals
  // `lastChanges` (no insert, remove or rebuild since) and for the same key bits. The
  // field keeps a str key alive, so its address cannot be reused by another string.
  int64_t lastKey;
  uint64_t lastHash;
  int64_t lastPos;         // the entry's position, or -1 if the key was absent
  int64_t lastSlot;        // its index slot, or where to insert it
  int64_t lastChanges;
};

// Formatting: appends the entries of `m` as `{k: v, ...}` (format.cc calls it).
void formatMap(std::string& out, const KilnMap* m, int32_t keyType, int32_t valueType, int nesting);

}  // namespace kiln

extern "C" {
kiln::KilnMap* kiln_map_new(int32_t keyType, int32_t valueType, int64_t sizeHint);
void kiln_map_set(kiln::KilnMap* m, int64_t key, int64_t value);
int64_t kiln_map_get(kiln::KilnMap* m, int64_t key);
int64_t kiln_map_get_or(kiln::KilnMap* m, int64_t key, int64_t fallback);
int64_t kiln_map_has(kiln::KilnMap* m, int64_t key);
void kiln_map_remove(kiln::KilnMap* m, int64_t key);
kiln::KilnArray* kiln_map_keys(kiln::KilnMap* m);
kiln::KilnArray* kiln_map_values(kiln::KilnMap* m);
int64_t kiln_map_next(kiln::KilnMap* m, int64_t* cursor, int64_t changes);
}
