# libfdt (Debian's libfdt-dev), which writes the device tree, as the imported target FDT::fdt: it has
# no CMake or pkg-config file of its own. Included by the project, and by vmsim's installed CMake
# package, whose static libraries link it.
if(NOT TARGET FDT::fdt)
  find_path(FDT_INCLUDE_DIR libfdt.h REQUIRED)
  find_library(FDT_LIBRARY fdt REQUIRED)
  add_library(FDT::fdt UNKNOWN IMPORTED)
  set_target_properties(FDT::fdt PROPERTIES IMPORTED_LOCATION ${FDT_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES
                                                                             ${FDT_INCLUDE_DIR})
endif()
