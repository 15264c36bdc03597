// The program behind configs/traces/hashjoin.lackey.gz: the probe phase of a hash join, a database's
// classic TLB-hostile kernel. A build relation of BUILD rows (128 bytes each: key, payload, chain
// link, padding for the rest of the row) is hashed into a chained table; PROBE keys are then looked
// up, each landing on a random bucket and a random row, so consecutive accesses touch unrelated
// pages: BUILD = 65536 rows span 2048 pages of 4 KiB, far beyond a 64-entry TLB's 256 KiB reach.
// Recorded with:
//   scripts/record-trace.sh --cflags "-O2" configs/traces/hashjoin.c configs/traces/hashjoin.lackey.gz 65536 40000
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct row {
  uint64_t key;
  uint64_t payload;
  uint32_t next;  // index + 1 of the next row in the bucket, 0 at the end
  uint8_t padding[108];
};

// A bijective mix, so that keys are distinct and spread over the buckets.
static uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x7fb5d329728ea185ull;
  x ^= x >> 27;
  return x;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s BUILD_ROWS PROBE_KEYS\n", argv[0]);
    return 2;
  }
  const uint32_t build = (uint32_t)strtoul(argv[1], NULL, 0);
  const uint32_t probes = (uint32_t)strtoul(argv[2], NULL, 0);
  uint32_t buckets = 1;
  while (buckets < build) buckets <<= 1;
  struct row* rows = malloc(sizeof(struct row) * build);
  uint32_t* heads = calloc(buckets, sizeof(uint32_t));
  if (rows == NULL || heads == NULL) return 1;

  for (uint32_t i = 0; i < build; ++i) {
    const uint64_t key = mix(i);
    const uint32_t bucket = (uint32_t)(key & (buckets - 1));
    rows[i].key = key;
    rows[i].payload = i;
    rows[i].next = heads[bucket];
    heads[bucket] = i + 1;
  }

  // Every other probe key has a match in the build relation.
  uint64_t matches = 0, sum = 0;
  for (uint32_t j = 0; j < probes; ++j) {
    const uint64_t key = mix((uint64_t)(mix(j) % build) + (j & 1 ? build : 0));
    for (uint32_t at = heads[key & (buckets - 1)]; at != 0; at = rows[at - 1].next) {
      if (rows[at - 1].key == key) {
        ++matches;
        sum += rows[at - 1].payload;
      }
    }
  }
  printf("%llu matches, payload sum %llu\n", (unsigned long long)matches, (unsigned long long)sum);
  return 0;
}
