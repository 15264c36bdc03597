function    hart  instructions       %        cycles  tlb_misses     walks  page_faults
sum_words   cpu          20464   88.35        356144           0         0            0
fill_words  cpu           2557   11.04         44745           1         1            0
user_main   cpu             72    0.31          1831           4         4            1
_start      cpu             46    0.20           588           0         0            0
m_trap      cpu             11    0.05           245           0         0            0
map_spare   cpu             10    0.04           164           0         0            0
[unknown]   cpu              3    0.01            79           0         0            0
total                    23163  100.00        403799           5         5            1
