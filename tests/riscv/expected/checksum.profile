function    hart  instructions       %        cycles  tlb_misses     walks  page_faults
sum_words   cpu          20464   88.35        466896           0         0            0
fill_words  cpu           2557   11.04         58666           1         1            0
user_main   cpu             72    0.31          2413           4         4            1
_start      cpu             46    0.20           767           0         0            0
m_trap      cpu             11    0.05           322           0         0            0
map_spare   cpu             10    0.04           216           0         0            0
[unknown]   cpu              3    0.01           105           0         0            0
total                    23163  100.00        529385           5         5            1
