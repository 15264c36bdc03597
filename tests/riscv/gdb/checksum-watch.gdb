break fill_words
continue
delete
watch *(long *)0x40000ff8
continue
printf "pc=%#lx s1=%ld\n", $pc, $s1
delete
monitor catch faults
continue
printf "pc=%#lx priv=%ld mcause=%ld mtval=%#lx mepc=%#lx\n", $pc, $priv, $mcause, $mtval, $mepc
x/gx 0x80006ff8
monitor catch none
continue
