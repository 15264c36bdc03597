# RISC-V programs built with Debian's bare-metal cross compiler gcc-riscv64-unknown-elf
# (`scripts/setup.sh tests` installs it): the tests' (tests/riscv) and the benchmark's (bench/rv64).
# Without the compiler VMSIM_RISCV_GCC is false and nothing is built; what needs the programs says so.
find_program(VMSIM_RISCV_GCC riscv64-unknown-elf-gcc)
set(VMSIM_RISCV_SUPPORT ${PROJECT_SOURCE_DIR}/tests/riscv)  # link.ld, crt.S, test.inc, htif.h
set(VMSIM_RISCV_MISSING
    "needs the RISC-V cross compiler riscv64-unknown-elf-gcc: install it with scripts/setup.sh tests, then configure the build again")

# vmsim_riscv_program(NAME SOURCES... [FLAGS flags...]): builds NAME in the current build folder from
# SOURCES (relative to the current source folder), as part of every build (target <folder>_<NAME>,
# tests_riscv_traps for instance).
function(vmsim_riscv_program name)
  if(NOT VMSIM_RISCV_GCC)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 program "" "" "FLAGS")
  set(sources "")
  foreach(source ${program_UNPARSED_ARGUMENTS})
    list(APPEND sources ${CMAKE_CURRENT_SOURCE_DIR}/${source})
  endforeach()
  set(output ${CMAKE_CURRENT_BINARY_DIR}/${name})
  add_custom_command(OUTPUT ${output}
    COMMAND ${VMSIM_RISCV_GCC} -march=rv64gc -mabi=lp64d -mcmodel=medany -static -nostdlib -nostartfiles
            -ffreestanding -fno-builtin -O2 -T ${VMSIM_RISCV_SUPPORT}/link.ld -I${VMSIM_RISCV_SUPPORT}
            ${program_FLAGS} ${sources} -o ${output}
    DEPENDS ${sources} ${VMSIM_RISCV_SUPPORT}/link.ld ${VMSIM_RISCV_SUPPORT}/test.inc ${VMSIM_RISCV_SUPPORT}/htif.h
    COMMENT "Building RISC-V program ${name}"
    VERBATIM)
  file(RELATIVE_PATH folder ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  string(REPLACE "/" "_" folder ${folder})
  add_custom_target(${folder}_${name} ALL DEPENDS ${output})
endfunction()
