# `cmake --install`: the command, the libraries (shared and static), their public headers under
# include/vmsim/, the shipped configurations and DRAM presets, and the two ways to find the libraries:
# a CMake package (find_package(vmsim 0.1 REQUIRED): vmsim::models, vmsim::platform and their _static
# forms) and pkg-config files (vmsim-models, vmsim-platform).

# The headers a program or a plugin includes: every model's, and those of the platform library's API.
install(DIRECTORY models/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vmsim/models FILES_MATCHING PATTERN "*.h")
install(FILES platforms/system.h platforms/builtin_models.h platforms/plugins.h platforms/results.h
              platforms/summary.h platforms/parameter_listing.h platforms/trace_events.h platforms/console_script.h
              platforms/device_tree_builder.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vmsim/platforms)

install(TARGETS vmsim)
install(TARGETS vmsim_models vmsim_models_shared vmsim_platform vmsim_platform_shared EXPORT vmsim-targets
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/vmsim/configs)
install(DIRECTORY configs/dram/ DESTINATION ${CMAKE_INSTALL_DATADIR}/vmsim/dram)
install(FILES platforms/plot.py DESTINATION ${CMAKE_INSTALL_DATADIR}/vmsim)

set(package_folder ${CMAKE_INSTALL_LIBDIR}/cmake/vmsim)
install(EXPORT vmsim-targets NAMESPACE vmsim:: DESTINATION ${package_folder})
include(CMakePackageConfigHelpers)
configure_package_config_file(cmake/vmsim-config.cmake.in ${PROJECT_BINARY_DIR}/vmsim-config.cmake
                              INSTALL_DESTINATION ${package_folder})
# Before 1.0 a minor version may change the API and the ABI: a package satisfies a request for its own
# major and minor version, at any patch level (find_package(vmsim 0.1) accepts 0.1.x, not 0.2); from
# 1.0 on, the same major version will do.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(compatibility SameMinorVersion)
else()
  set(compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/vmsim-config-version.cmake COMPATIBILITY ${compatibility})
install(FILES ${PROJECT_BINARY_DIR}/vmsim-config.cmake ${PROJECT_BINARY_DIR}/vmsim-config-version.cmake
        DESTINATION ${package_folder})
install(FILES cmake/fdt.cmake DESTINATION ${package_folder} RENAME vmsim-fdt.cmake)

# The pkg-config files name their prefix from where they are, so that an installation can move.
file(RELATIVE_PATH pkgconfig_to_prefix ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig ${CMAKE_INSTALL_PREFIX})
foreach(library models platform)
  configure_file(cmake/vmsim-${library}.pc.in ${PROJECT_BINARY_DIR}/vmsim-${library}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/vmsim-${library}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
