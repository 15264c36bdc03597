break sum_words
continue
info registers pc a0 a1
printf "priv=%ld satp=%#lx mstatus=%#lx mepc=%#lx\n", $priv, $satp, $mstatus, $mepc
x/4gx 0x40000000
x/2gx 0x80006000
x/3i $pc
stepi
stepi
stepi
info registers t0 t1 a0
delete
continue
