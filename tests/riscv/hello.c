/* A bare-metal C program for configs/rv64-bare.yaml: it greets on the HTIF console, sorts an array
   of 512 pseudo-random numbers (insertion sort: loads and stores over 4 KiB), checks the order, prints
   a checksum, and exits with 0. */
#include <stdint.h>

#include "htif.h"

#define COUNT 512

static uint64_t values[COUNT];

int main(void) {
  htif_puts("Hello from an RV64 hart on vmsim\n");
  uint64_t state = 88172645463325252u;
  for (int i = 0; i < COUNT; ++i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    values[i] = state % 1000000;
  }
  for (int i = 1; i < COUNT; ++i) {
    const uint64_t value = values[i];
    int j = i - 1;
    while (j >= 0 && values[j] > value) {
      values[j + 1] = values[j];
      --j;
    }
    values[j + 1] = value;
  }
  uint64_t checksum = 0;
  for (int i = 0; i < COUNT; ++i) {
    if (i > 0 && values[i - 1] > values[i]) return 1;
    checksum = checksum * 31 + values[i];
  }
  htif_puts("sorted 512 numbers, checksum ");
  htif_putu(checksum);
  htif_puts("\n");
  return 0;
}
