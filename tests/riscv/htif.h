/* The HTIF console of vmsim's C test programs: each character is a command to tohost (device 1,
   command 1) that the host acknowledges in fromhost. */
#pragma once

#include <stdint.h>

extern volatile uint64_t tohost;
extern volatile uint64_t fromhost;

static inline void htif_putc(char c) {
  tohost = (UINT64_C(1) << 56) | (UINT64_C(1) << 48) | (unsigned char)c;
  while (fromhost == 0) {
  }
  fromhost = 0;
}

static inline void htif_puts(const char* text) {
  while (*text != 0) htif_putc(*text++);
}

/* An unsigned number in decimal. */
static inline void htif_putu(uint64_t value) {
  char digits[21];
  int count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) htif_putc(digits[--count]);
}
