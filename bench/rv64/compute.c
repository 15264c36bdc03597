/* The RV64 hart's speed benchmark (bench/rv64.sh): a compute loop with loads and stores over
   64 KiB of data (16 pages of 4 KiB), ROUNDS times: integer arithmetic, a multiply, branches, and a
   load and a store per element. It runs in M mode untranslated, or, built with crt-sv39.S, in S
   mode under Sv39 with every page mapped by a 4 KiB entry. */
#include <stdint.h>

#define ELEMENTS 8192

static uint64_t data[ELEMENTS];
volatile uint64_t result; /* keeps the loop's work */

int main(void) {
  for (int i = 0; i < ELEMENTS; ++i) data[i] = (uint64_t)i * 2654435761u;
  uint64_t sum = 0;
  for (int round = 0; round < ROUNDS; ++round) {
    for (int i = 0; i < ELEMENTS; ++i) {
      uint64_t value = data[i];
      value = (value ^ (value >> 7)) * 5 + (uint64_t)round;
      if (value & 1)
        sum += value;
      else
        sum ^= value;
      data[i] = value;
    }
  }
  result = sum;
  return 0;
}
