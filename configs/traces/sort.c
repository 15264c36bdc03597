// The program behind configs/traces/sort.lackey.gz: an insertion sort of 256 pseudo-random keys.
// scripts/record-trace.sh compiles it statically and records it with valgrind's lackey tool.
#include <stdio.h>

enum { count = 256 };
static unsigned keys[count];

int main(void) {
  unsigned seed = 12345;
  for (int i = 0; i < count; ++i) {
    seed = seed * 1103515245u + 12345u;
    keys[i] = seed >> 8;
  }
  for (int i = 1; i < count; ++i) {
    const unsigned key = keys[i];
    int j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      --j;
    }
    keys[j + 1] = key;
  }
  printf("%u %u\n", keys[0], keys[count - 1]);
  return 0;
}
